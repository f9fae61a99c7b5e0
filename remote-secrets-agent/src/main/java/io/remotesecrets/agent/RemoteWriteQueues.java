package io.remotesecrets.agent;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.SecretManager;
import io.remotesecrets.agent.config.RemoteWriteConfig;
import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.remotewrite.RemoteWriteQueue;
import io.remotesecrets.http.SecretsHttpClient;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/**
 * Builds a remote_write queue that sends through the HTTP module's client, so the receiver's
 * credentials come from secret providers like the targets' do. A request made while a secret has
 * no value yet fails before any I/O and is retried by the queue: samples wait in its buffer.
 */
final class RemoteWriteQueues {
  private RemoteWriteQueues() {}

  static RemoteWrites.Queue create(RemoteWriteConfig config, Labels externalLabels, SecretManager secrets,
      PrometheusRegistry registry, Clock clock, Duration flushDeadline) {
    SecretsHttpClient http = config.httpClientConfig().newClient(secrets);
    RemoteWriteQueue queue = RemoteWriteQueue.builder()
        .name(config.name())
        .url(config.url())
        .queueConfig(config.queueConfig())
        .writeRelabelConfigs(config.writeRelabelConfigs())
        .externalLabels(externalLabels)
        .headers(config.headers())
        .remoteTimeout(config.remoteTimeout())
        .flushDeadline(flushDeadline)
        .userAgent("remote-secrets-agent/0.1")
        .clock(clock)
        .registry(registry)
        .sender(req -> http.sendAsync(req, HttpResponse.BodyHandlers.ofString()))
        .build();
    return new RemoteWrites.Queue() {
      @Override
      public void append(io.remotesecrets.agent.model.Sample s) {
        queue.append(s.labels(), s.timestampMs(), s.value());
      }

      @Override
      public void close() {
        try {
          queue.close();
        } finally {
          http.close();
        }
      }
    };
  }
}
