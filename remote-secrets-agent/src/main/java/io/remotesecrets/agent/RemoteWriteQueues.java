package io.remotesecrets.agent;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.SecretManager;
import io.remotesecrets.agent.config.RemoteWriteConfig;

/** Builds remote_write queues: agentlib's queue sending through the HTTP module's client. */
final class RemoteWriteQueues {
  private RemoteWriteQueues() {}

  static RemoteWrites.Queue create(RemoteWriteConfig config, SecretManager secrets, PrometheusRegistry registry) {
    // Development placeholder until agentlib's RemoteWriteQueue is merged.
    throw new UnsupportedOperationException("remote_write is not wired yet");
  }
}
