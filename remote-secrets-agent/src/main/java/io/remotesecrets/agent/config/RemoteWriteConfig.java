package io.remotesecrets.agent.config;

import io.remotesecrets.agent.relabel.RelabelConfig;
import io.remotesecrets.agent.remotewrite.QueueConfig;
import io.remotesecrets.http.HttpClientConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code remote_write} entry. Value equality, so that a reload keeps an unchanged queue.
 *
 * @param name the configured name, or a name derived from the URL and position when empty
 *     (as Prometheus derives one from a hash), used as the {@code remote_name} metric label
 * @param headers extra request headers; reserved ones are rejected at load
 */
public record RemoteWriteConfig(
    URI url,
    String name,
    Duration remoteTimeout,
    Map<String, String> headers,
    List<RelabelConfig> writeRelabelConfigs,
    QueueConfig queueConfig,
    HttpClientConfig httpClientConfig) {
  public static final Duration DEFAULT_REMOTE_TIMEOUT = Duration.ofSeconds(30);

  public RemoteWriteConfig {
    headers = Map.copyOf(headers);
    writeRelabelConfigs = List.copyOf(writeRelabelConfigs);
  }

  /** The URL without user info, for logs and status pages. */
  public String redactedUrl() {
    return io.remotesecrets.config.Urls.redact(url.toString());
  }
}
