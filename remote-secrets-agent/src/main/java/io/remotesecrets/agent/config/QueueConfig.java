package io.remotesecrets.agent.config;

import java.time.Duration;

/**
 * {@code remote_write[].queue_config}, with Prometheus 2.42's defaults.
 *
 * @param capacity samples buffered per shard
 * @param maxShards most concurrent senders
 * @param minShards fewest concurrent senders
 * @param maxSamplesPerSend most samples in one request
 * @param batchSendDeadline longest a sample waits for a batch to fill
 * @param minBackoff first retry delay
 * @param maxBackoff longest retry delay
 * @param retryOnHttp429 whether 429 responses are retried
 */
public record QueueConfig(
    int capacity,
    int maxShards,
    int minShards,
    int maxSamplesPerSend,
    Duration batchSendDeadline,
    Duration minBackoff,
    Duration maxBackoff,
    boolean retryOnHttp429) {

  /** Prometheus 2.42's {@code DefaultQueueConfig}. */
  public static final QueueConfig DEFAULT = new QueueConfig(
      2500, 200, 1, 500, Duration.ofSeconds(5), Duration.ofMillis(30), Duration.ofSeconds(5), false);
}
