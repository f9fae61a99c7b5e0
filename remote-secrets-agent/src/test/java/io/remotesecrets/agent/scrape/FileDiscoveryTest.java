package io.remotesecrets.agent.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.agent.config.AgentConfig;
import io.remotesecrets.agent.config.TargetGroup;
import io.remotesecrets.agent.model.Sample;
import io.remotesecrets.config.SecretProviderFactories;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** file_sd_configs: JSON and YAML files, globs, changes picked up by watching, bad files keep their targets. */
class FileDiscoveryTest {
  @TempDir
  Path dir;

  @Test
  void readsJsonAndYamlTargetGroups() throws Exception {
    Path json = Files.writeString(dir.resolve("a.json"),
        "[{\"targets\": [\"h1:9100\", \"h2:9100\"], \"labels\": {\"env\": \"prod\"}}, {\"targets\": [\"h3:1\"]}]");
    Path yaml = Files.writeString(dir.resolve("b.yml"), "- targets: ['h4:9100']\n  labels: {team: x}\n");
    assertThat(FileDiscovery.read(json)).containsExactly(
        new TargetGroup(List.of("h1:9100", "h2:9100"), Map.of("env", "prod"), json + ":0"),
        new TargetGroup(List.of("h3:1"), Map.of(), json + ":1"));
    assertThat(FileDiscovery.read(yaml)).containsExactly(new TargetGroup(List.of("h4:9100"), Map.of("team", "x"), yaml + ":0"));
    assertThat(FileDiscovery.read(Files.writeString(dir.resolve("empty.yml"), ""))).isEmpty();
  }

  @Test
  void rejectsMalformedFiles() throws Exception {
    assertThatThrownBy(() -> FileDiscovery.read(Files.writeString(dir.resolve("c.json"), "{\"targets\": []}")))
        .hasMessage("expected a list of target groups");
    assertThatThrownBy(() -> FileDiscovery.read(Files.writeString(dir.resolve("d.yml"), "- targets: [a]\n  labelz: {}\n")))
        .hasMessage("target group 0: unknown field \"labelz\"");
    assertThatThrownBy(() -> FileDiscovery.read(Files.writeString(dir.resolve("e.yml"), "- targets: [a]\n  labels: {1x: y}\n")))
        .hasMessage("\"1x\" is not a valid label name");
    assertThatThrownBy(() -> FileDiscovery.read(Files.writeString(dir.resolve("f.json"), "[{")))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void targetsFollowTheFiles() throws Exception {
    Files.createDirectories(dir.resolve("sd"));
    Path one = Files.writeString(dir.resolve("sd/one.json"), "[{\"targets\": [\"127.0.0.1:1\"], \"labels\": {\"env\": \"a\"}}]");
    String yaml = """
        scrape_configs:
        - job_name: files
          scrape_interval: 1h
          file_sd_configs:
          - files: ['sd/*.json']
            refresh_interval: 1h
        """;
    AgentConfig cfg = AgentConfig.parse("p.yml", dir.resolve("p.yml"), yaml, SecretProviderFactories.load());
    List<Sample> sink = new CopyOnWriteArrayList<>();
    PrometheusRegistry registry = new PrometheusRegistry();
    HttpClient http = HttpClient.newHttpClient();
    try (ScrapeManager manager = new ScrapeManager(sink::addAll, Clock.systemUTC(), new ScrapeMetrics(registry))) {
      manager.apply(cfg.scrapeConfigs(), c -> req -> http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()));
      assertThat(manager.activeTargets()).singleElement().satisfies(t -> {
        assertThat(t.labels().toString()).isEqualTo("{env=\"a\", instance=\"127.0.0.1:1\", job=\"files\"}");
        assertThat(t.discoveredLabels().get("__meta_filepath")).isEqualTo(one.toString());
      });
      // A new file matching the glob is picked up by the watch, without waiting for refresh_interval.
      Files.writeString(dir.resolve("sd/two.json"), "[{\"targets\": [\"127.0.0.1:2\"]}]");
      await(() -> manager.activeTargets().size() == 2);
      // A broken file keeps its previous targets and is counted.
      Files.writeString(one, "[{\"targets\": ");
      await(() -> registry.scrape().stream().anyMatch(s -> s.getMetadata().getName().equals("prometheus_sd_file_read_errors")
          && s.getDataPoints().get(0) instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot d
          && d.getValue() >= 1));
      assertThat(manager.activeTargets()).hasSize(2);
      Files.delete(dir.resolve("sd/two.json"));
      await(() -> manager.activeTargets().size() == 1);
    }
  }

  static void await(BooleanSupplier c) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out");
      Thread.sleep(20);
    }
  }
}
