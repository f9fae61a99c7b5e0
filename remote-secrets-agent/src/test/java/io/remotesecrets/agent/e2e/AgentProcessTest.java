package io.remotesecrets.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.agent.testing.TestExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code remote-secrets agent} as a separate JVM, as a user runs it: flags, JSON logs on stderr,
 * reload on SIGHUP, and a clean exit on SIGTERM.
 */
class AgentProcessTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void reloadsOnSighupAndLogsJson() throws Exception {
    try (TestExporter a = TestExporter.start(); TestExporter b = TestExporter.start()) {
      Path config = Files.writeString(dir.resolve("prometheus.yml"), """
          global: {scrape_interval: 200ms}
          scrape_configs:
          - job_name: a
            static_configs: [{targets: ['%s']}]
          """.formatted(a.address()));
      int port = Peers.freePort();
      Path log = dir.resolve("agent.log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          "io.remotesecrets.agent.cli.Main", "agent", "--config.file=" + config,
          "--web.listen-address=127.0.0.1:" + port, "--log.format=json", "--log.level=info")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        URI base = URI.create("http://127.0.0.1:" + port);
        Peers.await(Duration.ofSeconds(30), "job a scraped", () -> a.authorized.get() > 0);
        Files.writeString(config, """
            global: {scrape_interval: 200ms}
            scrape_configs:
            - job_name: a
              static_configs: [{targets: ['%s']}]
            - job_name: b
              static_configs: [{targets: ['%s']}]
            """.formatted(a.address(), b.address()));
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start();
        assertThat(hup.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Peers.await(Duration.ofSeconds(15), "job b scraped after SIGHUP", () -> b.authorized.get() > 0);
        String targets = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/v1/targets")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertThat(targets).contains("\"scrapePool\":\"a\"", "\"scrapePool\":\"b\"");
        assertThat(p.isAlive()).isTrue();
      } finally {
        p.destroy();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("agent exits on SIGTERM").isTrue();
      }
      List<String> lines = Files.readAllLines(log);
      assertThat(lines).anyMatch(l -> l.startsWith("{\"ts\":\"") && l.contains("\"msg\":\"SIGHUP received: reloading configuration\""));
      assertThat(lines).anyMatch(l -> l.contains("\"msg\":\"completed loading of configuration file\""));
      assertThat(lines).filteredOn(l -> l.startsWith("{")).allMatch(l -> l.endsWith("}"));
    }
  }
}
