package io.remotesecrets.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.agent.Agent;
import io.remotesecrets.agent.AgentOptions;
import io.remotesecrets.agent.testing.TestExporter;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent keeps scraping while its remote_write receiver (Debian's Prometheus 2.42) is down;
 * the samples buffered meanwhile arrive once it is up, and what did not fit in the buffer is
 * counted in {@code prometheus_remote_storage_samples_dropped_total}, not lost silently.
 */
@Tag("peer")
class RemoteWriteOutageTest {
  @TempDir
  Path dir;

  @Test
  void samplesScrapedDuringAnOutageArriveAfterwardsAndOverflowIsCounted() throws Exception {
    int port = Peers.freePort();
    try (TestExporter exporter = TestExporter.start()) {
      exporter.body = "outage_test_metric 42\n";
      Path config = Files.writeString(dir.resolve("agent.yml"), """
          global:
            scrape_interval: 100ms
          scrape_configs:
          - job_name: outage
            static_configs: [{targets: ['%s']}]
          remote_write:
          - url: http://127.0.0.1:%d/api/v1/write
            name: late
            queue_config: {capacity: 60, max_samples_per_send: 20, batch_send_deadline: 100ms, min_backoff: 50ms, max_backoff: 200ms}
          """.formatted(exporter.address(), port));
      try (Agent agent = Agent.start(AgentOptions.of(config, new InetSocketAddress("127.0.0.1", 0))
          .withFlushDeadline(Duration.ofSeconds(5)))) {
        // Each scrape makes 6 samples (1 + 5 synthetic); the 60-sample buffer overflows after ~10 scrapes.
        Peers.await(Duration.ofSeconds(20), "samples dropped while the receiver is down",
            () -> metric(agent, "prometheus_remote_storage_samples_dropped_total{remote_name=\"late\"") > 0);
        long scrapedDuringOutage = exporter.authorized.get();
        assertThat(scrapedDuringOutage).isGreaterThanOrEqualTo(10);
        assertThat(metric(agent, "prometheus_remote_storage_samples_retried_total{remote_name=\"late\"")).isPositive();

        Files.createDirectories(dir.resolve("prom"));
        double outageEnd = System.currentTimeMillis() / 1000.0;
        try (Peers.Prometheus prom = startOn(port)) {
          // Only samples timestamped before the receiver started: the ones buffered during the outage.
          Peers.await(Duration.ofSeconds(30), "buffered samples in Prometheus", () -> {
            try {
              return count(prom, outageEnd) >= 8;
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
          assertThat(metric(agent, "prometheus_remote_storage_samples_failed_total{remote_name=\"late\"")).isZero();
        }
      }
    }
  }

  private Peers.Prometheus startOn(int port) throws Exception {
    // Peers.prometheus picks a free port; the agent already points at this one.
    Peers.requireBinary(Peers.PROMETHEUS, "prometheus");
    Path d = dir.resolve("prom");
    Path cfg = Files.writeString(d.resolve("receiver.yml"), "global: {}\n");
    Path log = d.resolve("prometheus.log");
    Process p = new ProcessBuilder(Peers.PROMETHEUS.toString(), "--web.enable-remote-write-receiver",
        "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + d.resolve("tsdb"), "--config.file=" + cfg)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Peers.Prometheus prom = new Peers.Prometheus(port, p, log);
    Peers.await(Duration.ofSeconds(30), "prometheus ready", () -> {
      try {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    });
    return prom;
  }

  /** Samples of the scraped series that Prometheus stored with timestamps in the 5 minutes before {@code at}. */
  private static long count(Peers.Prometheus prom, double at) throws Exception {
    Matcher m = Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9]+)\"\\]").matcher(prom.query(
        "count_over_time(outage_test_metric{job=\"outage\"}[5m] @ " + String.format(java.util.Locale.ROOT, "%.3f", at) + ")"));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static double metric(Agent agent, String prefix) {
    try {
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(agent.webUrl().resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String l : body.split("\n")) {
        if (l.startsWith(prefix)) return Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
      }
      return 0;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
