package io.remotesecrets.vault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * Vault's JSON, read with the YAML 1.2 parser core already depends on (JSON is a subset of YAML
 * 1.2) and written by hand: Vault's request bodies are flat objects of strings.
 */
final class Json {
  private Json() {}

  /**
   * Parses a JSON object.
   *
   * @throws IllegalArgumentException if {@code text} is not a JSON object; the message never
   *     quotes the text, which may hold secrets
   */
  static Map<String, Object> parseObject(String text) {
    LoadSettings settings = LoadSettings.builder().setSchema(new JsonSchema()).setAllowDuplicateKeys(true).build();
    Object parsed;
    try {
      parsed = new Load(settings).loadFromString(text);
    } catch (YamlEngineException e) {
      throw new IllegalArgumentException("response is not JSON");
    }
    return object(parsed).orElseThrow(() -> new IllegalArgumentException("response is not a JSON object"));
  }

  /** {@code value} as an object, or empty if it is anything else (null included). */
  static Optional<Map<String, Object>> object(Object value) {
    if (!(value instanceof Map<?, ?> m)) return Optional.empty();
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v));
    return Optional.of(out);
  }

  /** A JSON number as a long; 0 when absent or not a number. */
  static long number(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }

  /** The strings of a JSON array; empty when absent. */
  static List<String> strings(Object value) {
    if (!(value instanceof List<?> l)) return List.of();
    return l.stream().map(String::valueOf).toList();
  }

  /** {@code {"k1":"v1",...}} from alternating keys and values. */
  static String object(String... keysAndValues) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (i > 0) sb.append(',');
      quote(sb, keysAndValues[i]);
      sb.append(':');
      quote(sb, keysAndValues[i + 1]);
    }
    return sb.append('}').toString();
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }
}
