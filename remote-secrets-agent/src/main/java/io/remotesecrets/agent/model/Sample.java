package io.remotesecrets.agent.model;

/**
 * One sample of one series.
 *
 * @param labels the series, metric name included as {@code __name__}
 * @param timestampMs milliseconds since the epoch
 * @param value the value; {@link #STALE_NAN} marks the series stale
 */
public record Sample(Labels labels, long timestampMs, double value) {
  /** Prometheus's staleness marker: a NaN with a distinct bit pattern ({@code value.StaleNaN}). */
  public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  /** Prometheus's staleness marker as a double; compare with {@link #isStaleNaN(double)}, never {@code ==}. */
  public static final double STALE_NAN = Double.longBitsToDouble(STALE_NAN_BITS);

  /** Whether {@code v} is the staleness marker (an ordinary NaN is not). */
  public static boolean isStaleNaN(double v) {
    return Double.doubleToRawLongBits(v) == STALE_NAN_BITS;
  }

  public Sample {
    if (labels == null) throw new IllegalArgumentException("labels must not be null");
  }
}
