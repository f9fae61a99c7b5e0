package io.remotesecrets.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * A YAML mapping read strictly: every key read through an accessor is marked as read, and
 * {@link ConfigDocument#finish()} reports the rest as unknown fields. A key whose value is
 * {@code null} ({@code key:} with nothing after it) reads as absent, as in Go's YAML decoder.
 * Duplicate keys are reported when the mapping is opened.
 */
public final class ConfigMap {
  private final ConfigNode node;
  private final Map<String, ConfigNode> entries = new LinkedHashMap<>();
  private final Map<String, ConfigNode> keyNodes = new LinkedHashMap<>();
  private final Set<String> read = new HashSet<>();

  ConfigMap(ConfigNode node, MappingNode mapping) {
    this.node = node;
    if (mapping == null) return;
    for (NodeTuple t : mapping.getValue()) {
      ConfigNode keyNode = node.child(t.getKeyNode(), node.path());
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        keyNode.error("mapping keys must be strings");
        continue;
      }
      String key = k.getValue();
      String childPath = node.path().isEmpty() ? key : node.path() + "." + key;
      ConfigNode first = keyNodes.get(key);
      if (first != null) {
        node.child(t.getKeyNode(), childPath).warnError("duplicate key \"" + key + "\" (first at line " + first.line() + ")");
        continue;
      }
      keyNodes.put(key, node.child(t.getKeyNode(), childPath));
      entries.put(key, node.child(t.getValueNode(), childPath));
    }
  }

  /** The mapping itself, for errors about it as a whole. */
  public ConfigNode node() {
    return node;
  }

  /** Keys in file order, read or not. Does not mark anything read. */
  public Set<String> keys() {
    return entries.keySet();
  }

  /** Whether {@code key} is present with a non-null value. Does not mark it read. */
  public boolean has(String key) {
    ConfigNode n = entries.get(key);
    return n != null && !n.isNull();
  }

  /** The value of {@code key}, marked read; empty when absent or null. */
  public Optional<ConfigNode> get(String key) {
    read.add(key);
    ConfigNode n = entries.get(key);
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n);
  }

  /** The value of {@code key}; an error {@code missing required field "key"} when absent. */
  public ConfigNode required(String key) {
    return get(key).orElseThrow(() -> node.error("missing required field \"" + key + "\""));
  }

  public Optional<String> string(String key) {
    return get(key).map(ConfigNode::asString);
  }

  public String string(String key, String defaultValue) {
    return string(key).orElse(defaultValue);
  }

  public Optional<Boolean> bool(String key) {
    return get(key).map(ConfigNode::asBoolean);
  }

  public boolean bool(String key, boolean defaultValue) {
    return bool(key).orElse(defaultValue);
  }


  public Optional<Duration> duration(String key) {
    return get(key).map(ConfigNode::asDuration);
  }

  public Duration duration(String key, Duration defaultValue) {
    return duration(key).orElse(defaultValue);
  }

  /** A nested mapping; an empty one when absent. */
  public ConfigMap map(String key) {
    return get(key).map(ConfigNode::asMap).orElseGet(() -> emptyChild(key).asMap());
  }

  /** A list; empty when absent. */
  public List<ConfigNode> list(String key) {
    return get(key).map(ConfigNode::asList).orElse(List.of());
  }

  /** A list of strings; empty when absent. */
  public List<String> strings(String key) {
    List<String> out = new ArrayList<>();
    for (ConfigNode n : list(key)) out.add(n.asString());
    return out;
  }

  /** A mapping of strings to strings (labels, params), every key read; empty when absent. */
  public Map<String, String> stringMap(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    Optional<ConfigNode> n = get(key);
    if (n.isEmpty()) return out;
    ConfigMap m = n.get().asMap();
    for (String k : m.keys()) m.get(k).ifPresent(v -> out.put(k, v.asString()));
    return out;
  }

  /** Marks every key read; for mappings whose keys are data, not fields. */
  public void readAll() {
    read.addAll(entries.keySet());
  }

  void reportUnread() {
    for (Map.Entry<String, ConfigNode> e : keyNodes.entrySet()) {
      if (!read.contains(e.getKey())) e.getValue().warnError("unknown field \"" + e.getKey() + "\"");
    }
  }

  private ConfigNode emptyChild(String key) {
    return node.child(null, node.path().isEmpty() ? key : node.path() + "." + key);
  }
}
