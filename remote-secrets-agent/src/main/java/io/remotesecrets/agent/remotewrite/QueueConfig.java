package io.remotesecrets.agent.remotewrite;

import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import java.time.Duration;
import java.util.Optional;

/**
 * A remote_write {@code queue_config}, with Prometheus 2.42's defaults: capacity 2500 samples per
 * shard, 1 to 200 shards, 500 samples per request, a batch sent at the latest 5s after its first
 * sample, retry backoff from 30ms doubling up to 5s, HTTP 429 not retried.
 *
 * @param capacity samples buffered per shard; beyond it, new samples are dropped and counted
 * @param maxShards the most shards
 * @param minShards the shards the queue runs
 * @param maxSamplesPerSend samples per request
 * @param batchSendDeadline longest wait for a batch to fill before it is sent
 * @param minBackoff first retry delay
 * @param maxBackoff longest retry delay
 * @param retryOnHttp429 whether 429 Too Many Requests is retried (else counted as failed)
 */
public record QueueConfig(
    int capacity, int maxShards, int minShards, int maxSamplesPerSend, Duration batchSendDeadline,
    Duration minBackoff, Duration maxBackoff, boolean retryOnHttp429) {

  public static final QueueConfig DEFAULT =
      new QueueConfig(2500, 200, 1, 500, Duration.ofSeconds(5), Duration.ofMillis(30), Duration.ofSeconds(5), false);

  public QueueConfig {
    if (capacity <= 0) throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    if (minShards <= 0) throw new IllegalArgumentException("min_shards must be positive, got " + minShards);
    if (maxShards < minShards) {
      throw new IllegalArgumentException("max_shards (" + maxShards + ") must not be less than min_shards (" + minShards + ")");
    }
    if (maxSamplesPerSend <= 0) throw new IllegalArgumentException("max_samples_per_send must be positive, got " + maxSamplesPerSend);
    if (batchSendDeadline.isNegative() || batchSendDeadline.isZero()) throw new IllegalArgumentException("batch_send_deadline must be positive");
    if (minBackoff.isNegative()) throw new IllegalArgumentException("min_backoff must not be negative");
    if (maxBackoff.compareTo(minBackoff) < 0) throw new IllegalArgumentException("max_backoff must not be less than min_backoff");
  }

  /**
   * Reads a {@code queue_config} mapping (absent keys take the defaults). Problems are recorded
   * on the document with the field path; on a problem the defaults are returned, so that
   * {@code ConfigDocument.finish()} can report everything at once.
   */
  public static QueueConfig parse(ConfigMap m) {
    QueueConfig d = DEFAULT;
    boolean[] ok = {true};
    int capacity = read(ok, d.capacity, () -> positive(m, "capacity", d.capacity));
    int maxShards = read(ok, d.maxShards, () -> positive(m, "max_shards", d.maxShards));
    int minShards = read(ok, d.minShards, () -> positive(m, "min_shards", d.minShards));
    int maxPerSend = read(ok, d.maxSamplesPerSend, () -> positive(m, "max_samples_per_send", d.maxSamplesPerSend));
    Duration deadline = read(ok, d.batchSendDeadline, () -> m.duration("batch_send_deadline", d.batchSendDeadline));
    Duration minBackoff = read(ok, d.minBackoff, () -> m.duration("min_backoff", d.minBackoff));
    Duration maxBackoff = read(ok, d.maxBackoff, () -> m.duration("max_backoff", d.maxBackoff));
    boolean retry429 = read(ok, d.retryOnHttp429, () -> m.bool("retry_on_http_429", d.retryOnHttp429));
    if (!ok[0]) return d;
    try {
      return new QueueConfig(capacity, maxShards, minShards, maxPerSend, deadline, minBackoff, maxBackoff, retry429);
    } catch (IllegalArgumentException e) {
      m.node().error(e.getMessage());
      return d;
    }
  }

  /** Reads one field; on a (recorded) problem notes it and returns the default, so every key is read. */
  private static <T> T read(boolean[] ok, T dflt, java.util.function.Supplier<T> reader) {
    try {
      return reader.get();
    } catch (io.remotesecrets.config.ConfigException e) {
      ok[0] = false;
      return dflt;
    }
  }

  private static int positive(ConfigMap m, String key, int dflt) {
    Optional<ConfigNode> n = m.get(key);
    if (n.isEmpty()) return dflt;
    int v = n.get().asInt();
    if (v <= 0) throw n.get().error("must be positive, got " + v);
    return v;
  }
}
