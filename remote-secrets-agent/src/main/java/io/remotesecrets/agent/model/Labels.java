package io.remotesecrets.agent.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable set of labels sorted by name, as Prometheus's {@code labels.Labels}: the metric
 * name is the label {@code __name__}. Names are unique; an empty value is stored as given (Prometheus
 * treats a label with an empty value as absent; {@link Builder} drops them).
 *
 * <p>Instances are immutable and thread-safe. {@link #hashCode()} is cached.
 */
public final class Labels implements Comparable<Labels> {
  /** The label that holds the metric name. */
  public static final String METRIC_NAME = "__name__";

  private static final Labels EMPTY = new Labels(new String[0]);

  // name0, value0, name1, value1, ... sorted by name, names unique.
  private final String[] pairs;
  private int hash;

  private Labels(String[] pairs) {
    this.pairs = pairs;
  }

  public static Labels empty() {
    return EMPTY;
  }

  /**
   * Labels from name/value pairs in any order.
   *
   * @throws IllegalArgumentException if the count is odd, a name or value is null, or a name
   *     repeats ({@code duplicate label name "x"})
   */
  public static Labels of(String... nameValuePairs) {
    if (nameValuePairs.length % 2 != 0) throw new IllegalArgumentException("odd number of label name/value arguments");
    if (nameValuePairs.length == 0) return EMPTY;
    String[] p = nameValuePairs.clone();
    for (String s : p) if (s == null) throw new IllegalArgumentException("label names and values must not be null");
    sortPairs(p, p.length / 2);
    for (int i = 2; i < p.length; i += 2) {
      if (p[i].equals(p[i - 2])) throw new IllegalArgumentException("duplicate label name \"" + p[i] + "\"");
    }
    return new Labels(p);
  }

  /** Labels from a map (any order). */
  public static Labels of(Map<String, String> map) {
    String[] p = new String[map.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : map.entrySet()) {
      p[i++] = e.getKey();
      p[i++] = e.getValue();
    }
    return of(p);
  }

  public static Builder builder() {
    return new Builder(EMPTY);
  }

  /** A builder that starts with these labels. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public int size() {
    return pairs.length / 2;
  }

  public boolean isEmpty() {
    return pairs.length == 0;
  }

  /** The i-th name in sort order. */
  public String name(int i) {
    return pairs[2 * i];
  }

  /** The i-th value in sort order. */
  public String value(int i) {
    return pairs[2 * i + 1];
  }

  /** The value of {@code name}, or {@code ""} when absent (as Prometheus's {@code Get}). */
  public String get(String name) {
    int i = indexOf(name);
    return i < 0 ? "" : pairs[2 * i + 1];
  }

  public boolean has(String name) {
    return indexOf(name) >= 0;
  }

  /** The metric name ({@code __name__}), or {@code ""}. */
  public String metricName() {
    return get(METRIC_NAME);
  }

  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < pairs.length; i += 2) action.accept(pairs[i], pairs[i + 1]);
  }

  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    forEach(m::put);
    return m;
  }

  private int indexOf(String name) {
    int lo = 0;
    int hi = pairs.length / 2 - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = pairs[2 * mid].compareTo(name);
      if (c < 0) lo = mid + 1;
      else if (c > 0) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels l && (l == this || (l.hashCode() == hashCode() && Arrays.equals(l.pairs, pairs)));
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(pairs);
      if (h == 0) h = 1;
      hash = h;
    }
    return h;
  }

  /** Orders by names then values pairwise, as Prometheus's {@code labels.Compare}. */
  @Override
  public int compareTo(Labels o) {
    int n = Math.min(pairs.length, o.pairs.length);
    for (int i = 0; i < n; i++) {
      int c = pairs[i].compareTo(o.pairs[i]);
      if (c != 0) return c;
    }
    return Integer.compare(pairs.length, o.pairs.length);
  }

  /** Prometheus's form: {@code {__name__="up", job="a"}}, values escaped. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) sb.append(", ");
      sb.append(pairs[i]).append("=\"");
      String v = pairs[i + 1];
      for (int j = 0; j < v.length(); j++) {
        char c = v.charAt(j);
        switch (c) {
          case '\\' -> sb.append("\\\\");
          case '"' -> sb.append("\\\"");
          case '\n' -> sb.append("\\n");
          default -> sb.append(c);
        }
      }
      sb.append('"');
    }
    return sb.append('}').toString();
  }

  private static void sortPairs(String[] p, int n) {
    // Insertion sort: label sets are small and usually already sorted.
    for (int i = 1; i < n; i++) {
      String name = p[2 * i];
      String value = p[2 * i + 1];
      int j = i - 1;
      while (j >= 0 && p[2 * j].compareTo(name) > 0) {
        p[2 * j + 2] = p[2 * j];
        p[2 * j + 3] = p[2 * j + 1];
        j--;
      }
      p[2 * j + 2] = name;
      p[2 * j + 3] = value;
    }
  }

  /**
   * Builds a label set by setting and deleting labels, as Prometheus's {@code labels.Builder}:
   * setting a label to {@code ""} deletes it. Not thread-safe.
   */
  public static final class Builder {
    private String[] pairs;
    private int n;

    private Builder(Labels base) {
      this.pairs = Arrays.copyOf(base.pairs, Math.max(8, base.pairs.length + 4));
      this.n = base.pairs.length / 2;
    }

    /** The current value of {@code name}, or {@code ""}. */
    public String get(String name) {
      int i = find(name);
      return i < 0 ? "" : pairs[2 * i + 1];
    }

    /** Sets {@code name}; an empty value deletes it. */
    public Builder set(String name, String value) {
      if (value == null || value.isEmpty()) return delete(name);
      int i = find(name);
      if (i >= 0) {
        pairs[2 * i + 1] = value;
        return this;
      }
      if (2 * n + 2 > pairs.length) pairs = Arrays.copyOf(pairs, pairs.length * 2);
      int at = n;
      while (at > 0 && pairs[2 * at - 2].compareTo(name) > 0) {
        pairs[2 * at] = pairs[2 * at - 2];
        pairs[2 * at + 1] = pairs[2 * at - 1];
        at--;
      }
      pairs[2 * at] = name;
      pairs[2 * at + 1] = value;
      n++;
      return this;
    }

    public Builder delete(String name) {
      int i = find(name);
      if (i < 0) return this;
      System.arraycopy(pairs, 2 * i + 2, pairs, 2 * i, 2 * (n - i - 1));
      n--;
      pairs[2 * n] = null;
      pairs[2 * n + 1] = null;
      return this;
    }

    /** Number of labels currently set. */
    public int size() {
      return n;
    }

    /** The i-th name in sort order. */
    public String name(int i) {
      return pairs[2 * i];
    }

    /** The i-th value in sort order. */
    public String value(int i) {
      return pairs[2 * i + 1];
    }

    public Labels build() {
      if (n == 0) return EMPTY;
      return new Labels(Arrays.copyOf(pairs, 2 * n));
    }

    private int find(String name) {
      int lo = 0;
      int hi = n - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = pairs[2 * mid].compareTo(name);
        if (c < 0) lo = mid + 1;
        else if (c > 0) hi = mid - 1;
        else return mid;
      }
      return -1;
    }
  }
}
