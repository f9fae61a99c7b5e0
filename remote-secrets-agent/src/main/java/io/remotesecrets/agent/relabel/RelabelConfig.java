package io.remotesecrets.agent.relabel;

import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One relabelling step with Prometheus's semantics ({@code model/relabel} in Prometheus 2.42,
 * with the later fix that an empty replacement deletes the expanded target label): the values
 * of {@code source_labels} joined by {@code separator} are matched against the fully anchored
 * {@code regex} and the {@code action} is applied. Defaults: separator {@code ;}, regex
 * {@code (.*)}, replacement {@code $1}, action {@code replace}.
 *
 * <p>Instances are immutable and thread-safe; build them with {@link #builder()} or read them
 * from YAML with {@link #parseList(List)}.
 */
public final class RelabelConfig {
  /** The relabel actions, named in YAML as Prometheus names them (lower case). */
  public enum Action {
    REPLACE, KEEP, DROP, KEEPEQUAL, DROPEQUAL, HASHMOD, LABELMAP, LABELDROP, LABELKEEP, LOWERCASE, UPPERCASE;

    /** The YAML name, e.g. {@code labelmap}. */
    public String yamlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final String DEFAULT_SEPARATOR = ";";
  public static final String DEFAULT_REGEX = "(.*)";
  public static final String DEFAULT_REPLACEMENT = "$1";

  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern RELABEL_TARGET = Pattern.compile("^(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+$");
  private static final GoRegex DEFAULT = GoRegex.compile(DEFAULT_REGEX);

  private final List<String> sourceLabels;
  private final String separator;
  private final GoRegex regex;
  private final boolean regexSet;
  private final long modulus;
  private final String targetLabel;
  private final String replacement;
  private final Action action;

  private RelabelConfig(Builder b) {
    this.sourceLabels = List.copyOf(b.sourceLabels);
    this.separator = b.separator;
    this.regex = b.regex;
    this.regexSet = b.regexSet;
    this.modulus = b.modulus;
    this.targetLabel = b.targetLabel;
    this.replacement = b.replacement;
    this.action = b.action;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<String> sourceLabels() {
    return sourceLabels;
  }

  public String separator() {
    return separator;
  }

  /** The regex as written, without the anchors. */
  public String regex() {
    return regex.source();
  }

  /** The modulus, an unsigned 64-bit value. */
  public long modulus() {
    return modulus;
  }

  public String targetLabel() {
    return targetLabel;
  }

  public String replacement() {
    return replacement;
  }

  public Action action() {
    return action;
  }

  // ---- processing -------------------------------------------------------------------------

  /**
   * Applies {@code configs} in order, as Prometheus's {@code relabel.Process}.
   *
   * @return the relabelled set, or null if a step dropped it (keep, drop, keepequal, dropequal)
   *     or no labels remain
   */
  public static Labels process(Labels labels, List<RelabelConfig> configs) {
    if (configs.isEmpty()) return labels.isEmpty() ? null : labels;
    Labels.Builder lb = labels.toBuilder();
    for (RelabelConfig c : configs) {
      if (!c.apply(lb)) return null;
    }
    return lb.size() == 0 ? null : lb.build();
  }

  /** Applies this step to a builder; false means the label set is dropped. */
  boolean apply(Labels.Builder lb) {
    String val;
    if (sourceLabels.size() == 1) {
      val = lb.get(sourceLabels.get(0));
    } else {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < sourceLabels.size(); i++) {
        if (i > 0) sb.append(separator);
        sb.append(lb.get(sourceLabels.get(i)));
      }
      val = sb.toString();
    }
    switch (action) {
      case DROP -> {
        if (regex.matches(val)) return false;
      }
      case KEEP -> {
        if (!regex.matches(val)) return false;
      }
      case DROPEQUAL -> {
        if (lb.get(targetLabel).equals(val)) return false;
      }
      case KEEPEQUAL -> {
        if (!lb.get(targetLabel).equals(val)) return false;
      }
      case REPLACE -> {
        Matcher m = regex.match(val);
        if (m == null) break;
        String target = regex.expand(targetLabel, m);
        if (!LABEL_NAME.matcher(target).matches()) break;
        String res = regex.expand(replacement, m);
        if (res.isEmpty()) lb.delete(target);
        else lb.set(target, res);
      }
      case LOWERCASE -> lb.set(targetLabel, val.toLowerCase(Locale.ROOT));
      case UPPERCASE -> lb.set(targetLabel, val.toUpperCase(Locale.ROOT));
      case HASHMOD -> lb.set(targetLabel, Long.toUnsignedString(Long.remainderUnsigned(md5Tail(val), modulus)));
      case LABELMAP -> {
        // Iterate over a snapshot: labels set by this step are not themselves mapped.
        Labels snapshot = lb.build();
        for (int i = 0; i < snapshot.size(); i++) {
          Matcher m = regex.match(snapshot.name(i));
          if (m != null) lb.set(regex.expand(replacement, m), snapshot.value(i));
        }
      }
      case LABELDROP, LABELKEEP -> {
        Labels snapshot = lb.build();
        for (int i = 0; i < snapshot.size(); i++) {
          if (regex.matches(snapshot.name(i)) == (action == Action.LABELDROP)) lb.delete(snapshot.name(i));
        }
      }
    }
    return true;
  }

  /** The last 8 bytes of the MD5 digest, big-endian, as Prometheus's hashmod uses. */
  private static long md5Tail(String s) {
    try {
      byte[] d = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d, 8, 8).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every Java platform", e);
    }
  }

  // ---- YAML -------------------------------------------------------------------------------

  /**
   * Reads a {@code relabel_configs} (or {@code metric_relabel_configs},
   * {@code write_relabel_configs}) list. Unknown keys are left unread, so
   * {@code ConfigDocument.finish()} reports them; every other problem is recorded on its node
   * with Prometheus's wording and the item is left out of the result, so that all problems of a
   * file are reported together by {@code ConfigDocument.finish()}.
   */
  public static List<RelabelConfig> parseList(List<ConfigNode> items) {
    List<RelabelConfig> out = new ArrayList<>();
    for (ConfigNode item : items) {
      RelabelConfig c;
      try {
        c = parse(item);
      } catch (io.remotesecrets.config.ConfigException e) {
        continue; // not a mapping; recorded on the document
      }
      if (c != null) out.add(c);
    }
    return out;
  }

  private static RelabelConfig parse(ConfigNode item) {
    ConfigMap m = item.asMap();
    Builder b = builder();
    // Every field is read even after a problem, so none is reported as unknown.
    boolean ok = field(() -> m.get("source_labels").ifPresent(sources -> {
      List<String> names = new ArrayList<>();
      for (ConfigNode n : sources.asList()) {
        String name = n.asString();
        if (!LABEL_NAME.matcher(name).matches()) throw n.error("\"" + name + "\" is not a valid label name");
        names.add(name);
      }
      b.sourceLabels(names);
    }));
    ok &= field(() -> m.string("separator").ifPresent(b::separator));
    ok &= field(() -> m.get("regex").ifPresent(regex -> {
      try {
        b.regex(regex.asString());
      } catch (IllegalArgumentException e) {
        throw regex.error(e.getMessage());
      }
    }));
    ok &= field(() -> m.get("modulus").ifPresent(modulus -> {
      String s = modulus.asString();
      try {
        b.modulus(Long.parseUnsignedLong(s));
      } catch (NumberFormatException e) {
        throw modulus.error("expected an unsigned integer, got \"" + s + "\"");
      }
    }));
    ok &= field(() -> m.string("target_label").ifPresent(b::targetLabel));
    ok &= field(() -> m.string("replacement").ifPresent(b::replacement));
    ok &= field(() -> m.get("action").ifPresent(action -> {
      String s = action.asString();
      Action a = null;
      for (Action candidate : Action.values()) {
        if (candidate.yamlName().equals(s.toLowerCase(Locale.ROOT))) a = candidate;
      }
      if (a == null) throw action.error("unknown relabel action \"" + s + "\"");
      b.action(a);
    }));
    if (!ok) return null;
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      item.error(e.getMessage());
      return null;
    }
  }

  /** Runs one field's reader; false if it recorded a problem. */
  private static boolean field(Runnable reader) {
    try {
      reader.run();
      return true;
    } catch (io.remotesecrets.config.ConfigException e) {
      return false;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelabelConfig c && c.sourceLabels.equals(sourceLabels) && c.separator.equals(separator)
        && c.regex.source().equals(regex.source()) && c.regexSet == regexSet && c.modulus == modulus
        && c.targetLabel.equals(targetLabel) && c.replacement.equals(replacement) && c.action == action;
  }

  @Override
  public int hashCode() {
    return Objects.hash(sourceLabels, separator, regex.source(), modulus, targetLabel, replacement, action);
  }

  @Override
  public String toString() {
    return "RelabelConfig{source_labels=" + sourceLabels + ", separator=" + separator + ", regex=" + regex.source()
        + ", modulus=" + Long.toUnsignedString(modulus) + ", target_label=" + targetLabel + ", replacement=" + replacement
        + ", action=" + action.yamlName() + "}";
  }

  /** Builds a {@link RelabelConfig} with Prometheus's defaults. Not thread-safe. */
  public static final class Builder {
    private List<String> sourceLabels = List.of();
    private String separator = DEFAULT_SEPARATOR;
    private GoRegex regex = DEFAULT;
    private boolean regexSet;
    private long modulus;
    private String targetLabel = "";
    private String replacement = DEFAULT_REPLACEMENT;
    private Action action = Action.REPLACE;

    private Builder() {}

    public Builder sourceLabels(List<String> names) {
      this.sourceLabels = List.copyOf(names);
      return this;
    }

    public Builder sourceLabels(String... names) {
      return sourceLabels(List.of(names));
    }

    public Builder separator(String separator) {
      this.separator = Objects.requireNonNull(separator);
      return this;
    }

    /**
     * The regex, RE2 syntax, anchored at both ends when matching.
     *
     * @throws IllegalArgumentException if it does not compile
     */
    public Builder regex(String regex) {
      this.regex = GoRegex.compile(regex);
      this.regexSet = true;
      return this;
    }

    /** An unsigned 64-bit modulus for {@code hashmod}. */
    public Builder modulus(long modulus) {
      this.modulus = modulus;
      return this;
    }

    public Builder targetLabel(String targetLabel) {
      this.targetLabel = Objects.requireNonNull(targetLabel);
      return this;
    }

    public Builder replacement(String replacement) {
      this.replacement = Objects.requireNonNull(replacement);
      return this;
    }

    public Builder action(Action action) {
      this.action = Objects.requireNonNull(action);
      return this;
    }

    /**
     * Validates as Prometheus's {@code relabel.Config.Validate}.
     *
     * @throws IllegalArgumentException with Prometheus's message, e.g.
     *     {@code relabel configuration for replace action requires 'target_label' value}
     */
    public RelabelConfig build() {
      String a = action.yamlName();
      boolean needsTarget = action == Action.REPLACE || action == Action.HASHMOD || action == Action.LOWERCASE
          || action == Action.UPPERCASE || action == Action.KEEPEQUAL || action == Action.DROPEQUAL;
      boolean plainTarget = action == Action.LOWERCASE || action == Action.UPPERCASE || action == Action.KEEPEQUAL
          || action == Action.DROPEQUAL || action == Action.HASHMOD;
      if (modulus == 0 && action == Action.HASHMOD) {
        throw new IllegalArgumentException("relabel configuration for hashmod requires non-zero modulus");
      }
      if (needsTarget && targetLabel.isEmpty()) {
        throw new IllegalArgumentException("relabel configuration for " + a + " action requires 'target_label' value");
      }
      if (action == Action.REPLACE && !targetLabel.contains("$") && !LABEL_NAME.matcher(targetLabel).matches()) {
        throw invalidTarget(a);
      }
      if (action == Action.REPLACE && targetLabel.contains("$") && !RELABEL_TARGET.matcher(targetLabel).matches()) {
        throw invalidTarget(a);
      }
      if (plainTarget && !LABEL_NAME.matcher(targetLabel).matches()) throw invalidTarget(a);
      if ((action == Action.LOWERCASE || action == Action.UPPERCASE || action == Action.KEEPEQUAL || action == Action.DROPEQUAL)
          && !replacement.equals(DEFAULT_REPLACEMENT)) {
        throw new IllegalArgumentException("'replacement' can not be set for " + a + " action");
      }
      if (action == Action.LABELMAP && !RELABEL_TARGET.matcher(replacement).matches()) {
        throw new IllegalArgumentException("\"" + replacement + "\" is invalid 'replacement' for " + a + " action");
      }
      if ((action == Action.DROPEQUAL || action == Action.KEEPEQUAL)
          && (regexSet || modulus != 0 || !separator.equals(DEFAULT_SEPARATOR) || !replacement.equals(DEFAULT_REPLACEMENT))) {
        throw new IllegalArgumentException(a + " action requires only 'source_labels' and `target_label`, and no other fields");
      }
      if ((action == Action.LABELDROP || action == Action.LABELKEEP)
          && (!sourceLabels.isEmpty() || !targetLabel.isEmpty() || modulus != 0 || !separator.equals(DEFAULT_SEPARATOR)
              || !replacement.equals(DEFAULT_REPLACEMENT))) {
        throw new IllegalArgumentException(a + " action requires only 'regex', and no other fields");
      }
      return new RelabelConfig(this);
    }

    private IllegalArgumentException invalidTarget(String a) {
      return new IllegalArgumentException("\"" + targetLabel + "\" is invalid 'target_label' for " + a + " action");
    }
  }
}
