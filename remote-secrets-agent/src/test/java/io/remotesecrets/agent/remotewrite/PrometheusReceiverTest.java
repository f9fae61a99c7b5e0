package io.remotesecrets.agent.remotewrite;

import static io.remotesecrets.agent.remotewrite.Metrics.value;
import static io.remotesecrets.agent.remotewrite.RemoteWriteQueueTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.agent.model.Labels;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Against the real receiver: Debian's prometheus 2.42 with --web.enable-remote-write-receiver. */
@Tag("peer")
class PrometheusReceiverTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private final PrometheusRegistry registry = new PrometheusRegistry();

  private RemoteWriteQueue.Builder queue(java.net.URI url, QueueConfig config) {
    return RemoteWriteQueue.builder().name("prom").url(url).queueConfig(config).registry(registry)
        .flushDeadline(Duration.ofSeconds(5)).sender(req -> client.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void prometheusStoresWhatTheQueueSends() throws Exception {
    try (PrometheusServer prom = PrometheusServer.start(PrometheusServer.freePort());
        RemoteWriteQueue q = queue(prom.writeUrl(), new QueueConfig(100, 1, 1, 10, Duration.ofMillis(50), Duration.ofMillis(30), Duration.ofMillis(500), false))
            .externalLabels(Labels.of("cluster", "test")).build()) {
      long now = System.currentTimeMillis();
      q.append(Labels.of("__name__", "rs_sent", "job", "node", "instance", "a:9100"), now - 1000, 1.5);
      q.append(Labels.of("__name__", "rs_sent", "job", "node", "instance", "b:9100"), now - 1000, -2);
      q.append(Labels.of("__name__", "rs_escapes", "v", "quote\" backslash\\ newline\n ✓"), now - 1000, 1e300);
      await(() -> value(registry, "prometheus_remote_storage_samples_total", "prom") == 3);

      assertThat(prom.values("rs_sent{job=\"node\",instance=\"a:9100\",cluster=\"test\"}")).containsExactly("1.5");
      assertThat(prom.values("rs_sent{instance=\"b:9100\"}")).containsExactly("-2");
      assertThat(prom.query("rs_escapes")).contains("\"v\":\"quote\\\" backslash\\\\ newline\\n ✓\"").contains("\"1e+300\"");
      assertThat(value(registry, "prometheus_remote_storage_samples_failed_total", "prom")).isZero();
    }
  }

  @Test
  void bufferedSamplesArriveWhenTheReceiverComesUpAndOverflowIsCounted() throws Exception {
    int port = PrometheusServer.freePort();
    java.net.URI url = java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/write");
    try (RemoteWriteQueue q = queue(url, new QueueConfig(50, 1, 1, 10, Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(300), false)).build()) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < 10; i++) q.append(Labels.of("__name__", "rs_buffered", "i", Integer.toString(i)), now, i);
      // Receiver down: the first batch is being retried (connection refused) ...
      await(() -> value(registry, "prometheus_remote_storage_samples_retried_total", "prom") >= 10);
      // ... so further samples fill the 50-sample buffer, and the rest are dropped and counted.
      int accepted = 0;
      for (int i = 10; i < 80; i++) if (q.append(Labels.of("__name__", "rs_buffered", "i", Integer.toString(i)), now, i)) accepted++;
      assertThat(accepted).isEqualTo(50);
      assertThat(value(registry, "prometheus_remote_storage_samples_dropped_total", "prom")).isEqualTo(20);
      assertThat(value(registry, "prometheus_remote_storage_samples_pending", "prom")).isEqualTo(60);
      Thread.sleep(500); // down for a while

      try (PrometheusServer prom = PrometheusServer.start(port)) {
        await(() -> value(registry, "prometheus_remote_storage_samples_total", "prom") == 60);
        assertThat(prom.values("count(rs_buffered)")).containsExactly("60");
        assertThat(prom.values("rs_buffered{i=\"59\"}")).containsExactly("59");
        assertThat(prom.values("rs_buffered{i=\"60\"}")).isEmpty();
        assertThat(value(registry, "prometheus_remote_storage_samples_failed_total", "prom")).isZero();
      }
    }
  }
}
