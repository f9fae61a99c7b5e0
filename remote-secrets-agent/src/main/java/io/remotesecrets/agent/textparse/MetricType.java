package io.remotesecrets.agent.textparse;

/** The type a {@code # TYPE} line declares for a metric family. */
public enum MetricType {
  COUNTER,
  GAUGE,
  HISTOGRAM,
  /** OpenMetrics only. */
  GAUGE_HISTOGRAM,
  SUMMARY,
  /** OpenMetrics only. */
  INFO,
  /** OpenMetrics only. */
  STATESET,
  /** {@code untyped} in the Prometheus text format, {@code unknown} in OpenMetrics. */
  UNKNOWN
}
