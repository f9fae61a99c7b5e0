package io.remotesecrets.agent.remotewrite;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The queue metrics, named and described as Prometheus 2.42's {@code storage/remote} names its
 * own. One set per registry: every queue on it adds its {@code remote_name}/{@code url} children.
 */
final class RemoteWriteMetrics {
  private static final Map<PrometheusRegistry, RemoteWriteMetrics> BY_REGISTRY = new WeakHashMap<>();
  private static final String[] LABELS = {"remote_name", "url"};

  final Counter samplesTotal;
  final Counter failedSamplesTotal;
  final Counter retriedSamplesTotal;
  final Counter droppedSamplesTotal;
  final Counter bytesTotal;
  final Histogram sentBatchDuration;
  final Gauge highestSentTimestamp;
  final Gauge pendingSamples;
  final Gauge shardCapacity;
  final Gauge shards;
  final Gauge shardsMax;
  final Gauge shardsMin;
  final Gauge shardsDesired;
  final Gauge maxSamplesPerSend;
  final Gauge highestTimestampIn;

  /** Queues using each {@code remote_name}/{@code url} pair: a reload starts a changed queue before its predecessor has flushed. */
  private final Map<java.util.List<String>, Integer> users = new java.util.HashMap<>();
  private final java.util.concurrent.atomic.AtomicLong highestInMs = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

  /** Raises {@code highest_timestamp_in_seconds} to {@code timestampMs} if higher. */
  void observeIn(long timestampMs) {
    long prev = highestInMs.getAndAccumulate(timestampMs, Math::max);
    if (timestampMs > prev) highestTimestampIn.set(highestInMs.get() / 1000.0);
  }

  static synchronized RemoteWriteMetrics on(PrometheusRegistry registry) {
    return BY_REGISTRY.computeIfAbsent(registry, RemoteWriteMetrics::new);
  }

  private RemoteWriteMetrics(PrometheusRegistry r) {
    samplesTotal = counter(r, "prometheus_remote_storage_samples_total", "Total number of samples sent to remote storage.");
    failedSamplesTotal = counter(r, "prometheus_remote_storage_samples_failed_total",
        "Total number of samples which failed on send to remote storage, non-recoverable errors.");
    retriedSamplesTotal = counter(r, "prometheus_remote_storage_samples_retried_total",
        "Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.");
    droppedSamplesTotal = counter(r, "prometheus_remote_storage_samples_dropped_total",
        "Total number of samples which were dropped before being sent via remote write, either via relabelling or because the queue was full.");
    bytesTotal = counter(r, "prometheus_remote_storage_bytes_total",
        "The total number of bytes of data (not metadata) sent by the queue after compression.");
    sentBatchDuration = Histogram.builder().name("prometheus_remote_storage_sent_batch_duration_seconds")
        .help("Duration of send calls to the remote storage.").labelNames(LABELS).classicOnly()
        .classicUpperBounds(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 25, 60, 120, 300).register(r);
    highestSentTimestamp = gauge(r, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
        "Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.");
    pendingSamples = gauge(r, "prometheus_remote_storage_samples_pending",
        "The number of samples pending in the queues shards to be sent to the remote storage.");
    shardCapacity = gauge(r, "prometheus_remote_storage_shard_capacity",
        "The capacity of each shard of the queue used for parallel sending to the remote storage.");
    shards = gauge(r, "prometheus_remote_storage_shards", "The number of shards used for parallel sending to the remote storage.");
    shardsMax = gauge(r, "prometheus_remote_storage_shards_max", "The maximum number of shards that the queue is allowed to run.");
    shardsMin = gauge(r, "prometheus_remote_storage_shards_min", "The minimum number of shards that the queue is allowed to run.");
    shardsDesired = gauge(r, "prometheus_remote_storage_shards_desired",
        "The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.");
    maxSamplesPerSend = gauge(r, "prometheus_remote_storage_max_samples_per_send",
        "The maximum number of samples to be sent, in a single request, to the remote storage.");
    highestTimestampIn = Gauge.builder().name("prometheus_remote_storage_highest_timestamp_in_seconds")
        .help("Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.")
        .register(r);
  }

  private static Counter counter(PrometheusRegistry r, String name, String help) {
    return Counter.builder().name(name).help(help).labelNames(LABELS).register(r);
  }

  private static Gauge gauge(PrometheusRegistry r, String name, String help) {
    return Gauge.builder().name(name).help(help).labelNames(LABELS).register(r);
  }

  /** Notes one more queue using the children of {@code remoteName}/{@code url}; see {@link #remove}. */
  synchronized void add(String remoteName, String url) {
    users.merge(java.util.List.of(remoteName, url), 1, Integer::sum);
  }

  /**
   * Removes one queue's children, so a removed remote_write leaves no series behind; while
   * another queue of the same name and URL runs (the successor of a changed one), they stay.
   */
  synchronized void remove(String remoteName, String url) {
    if (users.computeIfPresent(java.util.List.of(remoteName, url), (k, n) -> n > 1 ? n - 1 : null) != null) return;
    for (var m : new io.prometheus.metrics.core.metrics.StatefulMetric<?, ?>[] {samplesTotal, failedSamplesTotal,
        retriedSamplesTotal, droppedSamplesTotal, bytesTotal, sentBatchDuration, highestSentTimestamp,
        pendingSamples, shardCapacity, shards, shardsMax, shardsMin, shardsDesired, maxSamplesPerSend}) {
      m.remove(remoteName, url);
    }
  }
}
