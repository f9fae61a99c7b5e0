package io.remotesecrets.agent.textparse;

import io.remotesecrets.agent.model.Labels;

/**
 * Receives what {@link TextParser} reads, in input order. Only {@link #sample} is required.
 * An exception thrown by a handler method stops parsing and propagates unchanged.
 */
@FunctionalInterface
public interface SampleHandler {
  /**
   * One sample line.
   *
   * @param series the series labels, the metric name as {@code __name__}; histogram and summary
   *     suffixes ({@code _bucket}, {@code _sum}, {@code _count}, {@code _total}, ...) are part of
   *     the name as written
   * @param value the value; NaN, +Inf and -Inf as written
   * @param timestampMs the sample's timestamp in milliseconds, or {@link TextParser#NO_TIMESTAMP}
   */
  void sample(Labels series, double value, long timestampMs);

  /** A {@code # TYPE} line. */
  default void type(String family, MetricType type) {}

  /** A {@code # HELP} line, text unescaped. */
  default void help(String family, String help) {}

  /** A {@code # UNIT} line (OpenMetrics). */
  default void unit(String family, String unit) {}
}
