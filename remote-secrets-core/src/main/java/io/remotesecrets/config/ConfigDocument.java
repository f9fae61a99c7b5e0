package io.remotesecrets.config;

import io.remotesecrets.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One YAML configuration file, parsed into a tree of {@link ConfigNode}s that remember their
 * line, column and field path.
 *
 * <p>Parsers read the tree through {@link ConfigNode} and {@link ConfigMap}; every problem they
 * report is collected here, so that {@link #finish()} can report all of them at once. Mappings
 * that a parser opened but did not fully read are reported as unknown fields by
 * {@link #finish()}: a parser only has to read the keys it accepts.
 *
 * <p>Not thread-safe; a document is parsed by one thread, then discarded.
 */
public final class ConfigDocument {
  private final String fileName;
  private final Path file;
  private final Node rootNode;
  private final List<ConfigError> errors = new ArrayList<>();
  private final List<ConfigMap> openedMaps = new ArrayList<>();
  private final List<String> failed = new ArrayList<>();
  private final Set<Node> secretNodes = Collections.newSetFromMap(new IdentityHashMap<>());

  private ConfigDocument(String fileName, Path file, Node rootNode) {
    this.fileName = fileName;
    this.file = file;
    this.rootNode = rootNode;
  }

  /**
   * Reads and parses a file.
   *
   * @throws ConfigException if the file cannot be read or is not well-formed YAML
   */
  public static ConfigDocument read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(List.of(new ConfigError(file.toString(), 1, 1, "", "cannot read file: " + e)));
    }
    return parse(file.toString(), file.toAbsolutePath(), text);
  }

  /**
   * Parses YAML text. {@code file} (may be null) is where relative {@code *_file} paths are
   * resolved from: its directory.
   *
   * @throws ConfigException if the text is not well-formed YAML or has more than one document
   */
  public static ConfigDocument parse(String fileName, Path file, String text) {
    LoadSettings settings = LoadSettings.builder().setLabel(fileName).setAllowDuplicateKeys(true).build();
    Node root;
    try {
      Optional<Node> composed = new Compose(settings).composeString(text);
      root = composed.orElse(null);
    } catch (MarkedYamlEngineException e) {
      Mark mark = e.getProblemMark().orElse(e.getContextMark().orElse(null));
      int line = mark == null ? 1 : mark.getLine() + 1;
      int column = mark == null ? 1 : mark.getColumn() + 1;
      throw new ConfigException(List.of(new ConfigError(fileName, line, column, "", "invalid YAML: " + e.getProblem())));
    } catch (YamlEngineException e) {
      throw new ConfigException(List.of(new ConfigError(fileName, 1, 1, "", "invalid YAML: " + e.getMessage())));
    }
    return new ConfigDocument(fileName, file, root);
  }

  /** The name errors use for this file. */
  public String fileName() {
    return fileName;
  }

  /** The file, or null when parsed from text without one. */
  public Path file() {
    return file;
  }

  /** The directory relative paths in this file are resolved against. */
  public Path baseDirectory() {
    Path parent = file == null ? null : file.toAbsolutePath().getParent();
    return parent != null ? parent : Path.of("").toAbsolutePath();
  }

  /** The root node; an empty document is an empty mapping, as Prometheus treats an empty file. */
  public ConfigNode root() {
    return new ConfigNode(this, rootNode, "");
  }

  /** Records a problem; prefer {@link ConfigNode#error(String)}. */
  public ConfigException report(ConfigError error) {
    failed.add(error.path());
    return reportOnly(error);
  }

  /** Records a problem that did not stop the parser (unknown and duplicate keys). */
  ConfigException reportOnly(ConfigError error) {
    errors.add(error);
    return new ConfigException(List.of(error));
  }

  /** Problems recorded so far (unknown fields are added by {@link #finish()}). */
  public List<ConfigError> errors() {
    return List.copyOf(errors);
  }

  /**
   * Reports unknown fields of every mapping that was read, then throws every problem found,
   * sorted by position.
   *
   * @throws ConfigException if any problem was recorded
   */
  public void finish() {
    for (ConfigMap map : openedMaps) {
      // A parser that failed inside a mapping stopped reading it: its unread keys are noise.
      String p = map.node().path();
      if (failed.stream().noneMatch(f -> within(p, f) || within(f, p))) map.reportUnread();
    }
    if (!errors.isEmpty()) {
      List<ConfigError> sorted = new ArrayList<>(errors);
      Collections.sort(sorted);
      throw new ConfigException(sorted);
    }
  }

  /**
   * The document as YAML, every value that a parser read as a secret replaced by
   * {@code <secret>}. Refs and provider parameters are printed; they are not secrets.
   */
  public String dump() {
    if (rootNode == null) return "{}\n";
    DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build();
    StringBuilder out = new StringBuilder();
    new Dump(settings).dumpNode(redacted(rootNode), new org.snakeyaml.engine.v2.api.StreamDataWriter() {
      @Override
      public void write(String str) {
        out.append(str);
      }

      @Override
      public void write(String str, int off, int len) {
        out.append(str, off, off + len);
      }
    });
    return out.toString();
  }

  /** Whether {@code path} is {@code ancestor} or below it. */
  private static boolean within(String path, String ancestor) {
    if (ancestor.isEmpty() || path.equals(ancestor)) return true;
    return path.startsWith(ancestor) && (path.charAt(ancestor.length()) == '.' || path.charAt(ancestor.length()) == '[');
  }

  private Node redacted(Node node) {
    if (secretNodes.contains(node)) {
      return new ScalarNode(org.snakeyaml.engine.v2.nodes.Tag.STR, Secret.REDACTED, org.snakeyaml.engine.v2.common.ScalarStyle.PLAIN);
    }
    if (node instanceof MappingNode m) {
      List<NodeTuple> tuples = new ArrayList<>();
      for (NodeTuple t : m.getValue()) tuples.add(new NodeTuple(t.getKeyNode(), redacted(t.getValueNode())));
      return new MappingNode(m.getTag(), tuples, FlowStyle.BLOCK);
    }
    if (node instanceof SequenceNode s) {
      List<Node> items = new ArrayList<>();
      for (Node n : s.getValue()) items.add(redacted(n));
      return new SequenceNode(s.getTag(), items, FlowStyle.BLOCK);
    }
    return node;
  }

  void markSecret(Node node) {
    secretNodes.add(node);
  }

  void opened(ConfigMap map) {
    openedMaps.add(map);
  }

  private final Map<Node, ConfigMap> maps = new IdentityHashMap<>();

  ConfigMap mapFor(ConfigNode node, java.util.function.Supplier<ConfigMap> create) {
    return maps.computeIfAbsent(node.yaml(), n -> create.get());
  }
}
