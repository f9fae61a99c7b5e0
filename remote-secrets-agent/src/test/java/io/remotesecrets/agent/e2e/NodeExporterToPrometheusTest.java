package io.remotesecrets.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.agent.Agent;
import io.remotesecrets.agent.AgentOptions;
import io.remotesecrets.agent.scrape.Target;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real peers: Debian's node_exporter 1.5 behind TLS and bcrypt basic auth (its
 * password known to the agent only through a declared {@code file} secret provider) is scraped by
 * the agent, which forwards with remote_write to Debian's Prometheus 2.42; the test finds the
 * series through Prometheus's HTTP API with the right job, instance and external labels. Then the
 * password is rotated on both sides and scraping recovers without a reload.
 */
@Tag("peer")
class NodeExporterToPrometheusTest {
  @TempDir
  Path dir;

  @Test
  void nodeExporterSeriesReachPrometheusWithJobInstanceAndExternalLabels() throws Exception {
    String password = "node-exporter-pass-" + Long.toHexString(System.nanoTime());
    Peers.Pki pki = Peers.Pki.create();
    Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(dir.resolve("secrets/node-password"), password + "\n");
    try (Peers.Prometheus prom = Peers.prometheus(dir);
        Peers.Peer node = Peers.nodeExporter(dir, pki, "scraper", password)) {
      String instance = "127.0.0.1:" + node.port;
      Path config = Files.writeString(dir.resolve("agent.yml"), """
          global:
            scrape_interval: 1s
            external_labels: {cluster: e2e, replica: a}
            secret_providers:
            - name: files
              file_sp_config: {base_dir: secrets}
          scrape_configs:
          - job_name: node
            scheme: https
            tls_config: {ca_file: node.crt}
            basic_auth:
              username: scraper
              password_ref: {files: node-password}
            static_configs:
            - targets: ['%s']
          remote_write:
          - url: %s
            name: e2e-receiver
            queue_config: {batch_send_deadline: 200ms}
          """.formatted(instance, prom.writeUrl()));
      AgentOptions options = AgentOptions.of(config, new InetSocketAddress("127.0.0.1", 0))
          .withFlushDeadline(Duration.ofSeconds(5));
      try (Agent agent = Agent.start(options)) {
        Peers.await(Duration.ofSeconds(30), "node_exporter series in Prometheus", () -> {
          try {
            return !prom.series("node_time_seconds{job=\"node\"}").isEmpty();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
        List<String> series = prom.series("node_time_seconds");
        assertThat(series).singleElement().isEqualTo("{\"__name__\":\"node_time_seconds\",\"cluster\":\"e2e\","
            + "\"instance\":\"" + instance + "\",\"job\":\"node\",\"replica\":\"a\"}");
        assertThat(prom.series("node_memory_MemTotal_bytes{job=\"node\",instance=\"" + instance + "\",cluster=\"e2e\"}"))
            .hasSize(1);
        Peers.await(Duration.ofSeconds(10), "up in Prometheus", () -> {
          try {
            return prom.query("up{job=\"node\",cluster=\"e2e\",replica=\"a\"} == 1").contains("\"instance\":\"" + instance + "\"");
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
        Target t = agent.scrapeManager().activeTargets().get(0);
        assertThat(t.health()).isEqualTo("up");
        assertThat(t.url().toString()).isEqualTo("https://" + instance + "/metrics");
        assertThat(node.log()).doesNotContain(password);

        // Rotation: node_exporter switches to a new password and the provider's file gets it. The
        // agent picks it up (file watch, or the HTTP layer's refresh on 401) without a reload.
        String rotated = password + "-rotated";
        Peers.writeWebConfig(dir, pki, "scraper", rotated);
        Files.writeString(dir.resolve("secrets/node-password.tmp"), rotated + "\n");
        Files.move(dir.resolve("secrets/node-password.tmp"), dir.resolve("secrets/node-password"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        java.time.Instant rotatedAt = java.time.Instant.now();
        Peers.await(Duration.ofSeconds(20), "a successful scrape with the rotated password", () -> {
          Target now = agent.scrapeManager().activeTargets().get(0);
          return now.health().equals("up") && now.lastScrape().orElseThrow().isAfter(rotatedAt.plusMillis(500));
        });
      }
    }
  }
}
