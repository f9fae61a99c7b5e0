package io.remotesecrets.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML value with its position and field path ({@code scrape_configs[0].basic_auth.password}).
 * The typed accessors report a wrong type as an error naming the field, and throw.
 */
public final class ConfigNode {
  private final ConfigDocument document;
  private final Node node;
  private final String path;
  private final int line;
  private final int column;

  ConfigNode(ConfigDocument document, Node node, String path) {
    this(document, node, path, 1, 1);
  }

  /** A node without YAML ({@code node == null}: an absent value) takes its parent's position. */
  private ConfigNode(ConfigDocument document, Node node, String path, int line, int column) {
    this.document = document;
    this.node = node;
    this.path = path;
    Optional<Mark> mark = node == null ? Optional.empty() : node.getStartMark();
    this.line = mark.map(m -> m.getLine() + 1).orElse(line);
    this.column = mark.map(m -> m.getColumn() + 1).orElse(column);
  }

  public ConfigDocument document() {
    return document;
  }

  /** The field path, {@code a.b[2].c}; empty for the root. */
  public String path() {
    return path;
  }

  /** 1-based line of this value. */
  public int line() {
    return line;
  }

  /** 1-based column of this value. */
  public int column() {
    return column;
  }

  public boolean isNull() {
    return node == null || (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
  }

  public boolean isMap() {
    return node instanceof MappingNode || node == null;
  }

  public boolean isList() {
    return node instanceof SequenceNode;
  }

  public boolean isScalar() {
    return node instanceof ScalarNode && !isNull();
  }

  /**
   * Records a problem at this node and returns the exception to throw. A parser that can go on
   * after a problem (to report more) may ignore the return value.
   */
  public ConfigException error(String message) {
    return document.report(new ConfigError(document.fileName(), line(), column(), path, message));
  }

  /** This value as a mapping; a null value is an empty mapping. */
  public ConfigMap asMap() {
    if (!isMap() && !isNull()) throw error("expected a mapping, got " + kind());
    if (node == null) return new ConfigMap(this, null);
    return document.mapFor(this, () -> {
      ConfigMap map = new ConfigMap(this, node instanceof MappingNode m ? m : null);
      document.opened(map);
      return map;
    });
  }

  /** This value as a list; a null value is an empty list. */
  public List<ConfigNode> asList() {
    if (isNull()) return List.of();
    if (!(node instanceof SequenceNode seq)) throw error("expected a list, got " + kind());
    List<ConfigNode> items = new ArrayList<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      items.add(new ConfigNode(document, seq.getValue().get(i), path + "[" + i + "]"));
    }
    return items;
  }

  /** A scalar as text, whatever YAML type it resolved to ({@code 123} reads as "123"). */
  public String asString() {
    if (!isScalar()) throw error("expected a string, got " + kind());
    return ((ScalarNode) node).getValue();
  }

  public boolean asBoolean() {
    String s = asString();
    if (s.equals("true")) return true;
    if (s.equals("false")) return false;
    throw error("expected true or false, got \"" + s + "\"");
  }

  public int asInt() {
    String s = asString();
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw error("expected an integer, got \"" + s + "\"");
    }
  }


  /** A Prometheus duration ({@code 30s}, {@code 1h30m}). */
  public Duration asDuration() {
    try {
      return Durations.parse(asString());
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
  }

  /**
   * Marks this value as a secret: {@link ConfigDocument#dump()} prints {@code <secret>} for it.
   * Parsers call it for every value they read as a secret.
   */
  public void markSecret() {
    if (node != null) document.markSecret(node);
  }

  Node yaml() {
    return node;
  }

  /** Like {@link #error} for problems that do not stop the parser reading this mapping. */
  ConfigException warnError(String message) {
    return document.reportOnly(new ConfigError(document.fileName(), line(), column(), path, message));
  }

  ConfigNode child(Node child, String childPath) {
    return new ConfigNode(document, child, childPath, line, column);
  }

  private String kind() {
    if (node instanceof MappingNode) return "a mapping";
    if (node instanceof SequenceNode) return "a list";
    if (isNull()) return "null";
    // Never echo the scalar: it may be a secret written in the wrong place.
    return "a scalar";
  }

  @Override
  public String toString() {
    return document.fileName() + ":" + line() + ":" + column() + ": " + path;
  }
}
