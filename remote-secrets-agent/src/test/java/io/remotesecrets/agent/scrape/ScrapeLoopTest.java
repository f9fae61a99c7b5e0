package io.remotesecrets.agent.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.agent.config.AgentConfig;
import io.remotesecrets.agent.config.ScrapeConfig;
import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.model.Sample;
import io.remotesecrets.config.SecretProviderFactories;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scrape loops against a real HTTP target on 127.0.0.1, driven by {@link ScrapeManager#scrapeNow}. */
class ScrapeLoopTest {
  final List<Sample> sink = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();
  FakeExporter exporter;
  ScrapeManager manager;

  @BeforeEach
  void setUp() throws Exception {
    exporter = new FakeExporter();
    manager = new ScrapeManager(sink::addAll, Clock.systemUTC(), new ScrapeMetrics(new PrometheusRegistry()));
  }

  @AfterEach
  void tearDown() {
    manager.close();
    exporter.close();
  }

  ScrapeConfig job(String extra) {
    String yaml = """
        scrape_configs:
        - job_name: node
          scrape_interval: 1h
          %s
          static_configs:
          - targets: ['%s']
            labels: {env: test}
        %s""".formatted(extra.contains("scrape_timeout") ? "" : "scrape_timeout: 2s", exporter.address(), extra.isEmpty() ? "" : extra.indent(2));
    return AgentConfig.parse("p.yml", null, yaml, SecretProviderFactories.load()).scrapeConfigs().get(0);
  }

  void run(ScrapeConfig cfg) {
    run(cfg, req -> http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()));
  }

  void run(ScrapeConfig cfg, ScrapeClient client) {
    manager.apply(List.of(cfg), c -> client);
  }

  List<Sample> scrape() {
    sink.clear();
    manager.scrapeNow("node");
    return new ArrayList<>(sink);
  }

  static Map<String, Double> values(List<Sample> samples) {
    return samples.stream().collect(Collectors.toMap(s -> s.labels().toString(), Sample::value, (a, b) -> b,
        java.util.TreeMap::new));
  }

  String inst() {
    return exporter.address();
  }

  Target target() {
    return manager.activeTargets().get(0);
  }

  @Test
  void labelsASeriesOnceAcrossScrapes() {
    exporter.body = """
        kept{a="1"} 1
        dropped{a="2"} 2
        """;
    run(job("""
        metric_relabel_configs:
        - source_labels: [__name__]
          regex: dropped
          action: drop
        """));
    List<Sample> first = scrape();
    List<Sample> second = scrape();
    Labels kept1 = first.stream().filter(s -> s.labels().metricName().equals("kept")).findFirst().orElseThrow().labels();
    Labels kept2 = second.stream().filter(s -> s.labels().metricName().equals("kept")).findFirst().orElseThrow().labels();
    // The same instance: the second scrape neither merged target labels nor relabelled again.
    assertThat(kept2).isSameAs(kept1);
    for (List<Sample> samples : List.of(first, second)) {
      assertThat(samples).noneMatch(s -> s.labels().metricName().equals("dropped"));
      assertThat(values(samples)).containsEntry("{__name__=\"scrape_samples_scraped\", env=\"test\", instance=\""
          + inst() + "\", job=\"node\"}", 2.0);
    }
  }

  @Test
  void scrapesWithTargetLabelsAndSyntheticSeries() {
    exporter.body = """
        # HELP http_requests_total Requests.
        # TYPE http_requests_total counter
        http_requests_total{code="200"} 10
        http_requests_total{code="500"} 2
        temperature 21.5
        """;
    run(job(""));
    List<Sample> samples = scrape();
    String l = "env=\"test\", instance=\"" + inst() + "\", job=\"node\"";
    Map<String, Double> v = values(samples);
    assertThat(v).containsEntry("{__name__=\"http_requests_total\", code=\"200\", " + l + "}", 10.0)
        .containsEntry("{__name__=\"http_requests_total\", code=\"500\", " + l + "}", 2.0)
        .containsEntry("{__name__=\"temperature\", " + l + "}", 21.5)
        .containsEntry("{__name__=\"up\", " + l + "}", 1.0)
        .containsEntry("{__name__=\"scrape_samples_scraped\", " + l + "}", 3.0)
        .containsEntry("{__name__=\"scrape_samples_post_metric_relabeling\", " + l + "}", 3.0)
        .containsEntry("{__name__=\"scrape_series_added\", " + l + "}", 3.0)
        .containsKey("{__name__=\"scrape_duration_seconds\", " + l + "}");
    assertThat(samples).hasSize(8);
    long ts = samples.get(0).timestampMs();
    assertThat(samples).allMatch(s -> s.timestampMs() == ts);
    assertThat(target().health()).isEqualTo("up");
    assertThat(target().lastError()).isEmpty();
    // Prometheus's request headers.
    assertThat(exporter.lastRequest.getFirst("Accept")).isEqualTo(
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
    assertThat(exporter.lastRequest.getFirst("Accept-Encoding")).isEqualTo("gzip");
    assertThat(exporter.lastRequest.getFirst("X-Prometheus-Scrape-Timeout-Seconds")).isEqualTo("2");
    // The second scrape of the same series adds none.
    assertThat(values(scrape())).containsEntry("{__name__=\"scrape_series_added\", " + l + "}", 0.0);
  }

  @Test
  void decodesGzipAndOpenMetrics() {
    exporter.gzip = true;
    exporter.contentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    exporter.body = "# TYPE a counter\na_total 3\na_created 1.7e9\n# EOF\n";
    run(job(""));
    Map<String, Double> v = values(scrape());
    assertThat(v).containsEntry("{__name__=\"a_total\", env=\"test\", instance=\"" + inst() + "\", job=\"node\"}", 3.0)
        .containsEntry("{__name__=\"up\", env=\"test\", instance=\"" + inst() + "\", job=\"node\"}", 1.0);
  }

  @Test
  void exposedLabelsConflictingWithTargetLabelsAreRenamedUnlessHonored() {
    exporter.body = "m{job=\"exp\",instance=\"i\"} 1\n";
    run(job(""));
    assertThat(values(scrape())).containsKey(
        "{__name__=\"m\", env=\"test\", exported_instance=\"i\", exported_job=\"exp\", instance=\"" + inst() + "\", job=\"node\"}");
    run(job("honor_labels: true"));
    assertThat(values(scrape())).containsKey("{__name__=\"m\", env=\"test\", instance=\"i\", job=\"exp\"}");
  }

  @Test
  void exposedTimestampsAreHonoredByDefault() {
    exporter.body = "m 1 1700000000000\nn 2\n";
    run(job(""));
    List<Sample> s = scrape();
    assertThat(s.stream().filter(x -> x.labels().metricName().equals("m")).findFirst().orElseThrow().timestampMs())
        .isEqualTo(1700000000000L);
    run(job("honor_timestamps: false"));
    s = scrape();
    assertThat(s.stream().filter(x -> x.labels().metricName().equals("m")).findFirst().orElseThrow().timestampMs())
        .isNotEqualTo(1700000000000L);
  }

  @Test
  void vanishedSeriesAndFailedScrapesGetStalenessMarkers() {
    exporter.body = "a 1\nb 2\n";
    run(job(""));
    scrape();
    exporter.body = "a 1\n";
    List<Sample> second = scrape();
    assertThat(stale(second)).containsExactly("b");
    exporter.status = 500;
    List<Sample> failed = scrape();
    assertThat(stale(failed)).containsExactly("a");
    assertThat(values(failed)).containsEntry(
        "{__name__=\"up\", env=\"test\", instance=\"" + inst() + "\", job=\"node\"}", 0.0);
    assertThat(target().health()).isEqualTo("down");
    assertThat(target().lastError()).contains("server returned HTTP status 500 Internal Server Error");
  }

  @Test
  void removedTargetMarksEverySeriesStale() {
    exporter.body = "a 1\n";
    run(job(""));
    scrape();
    sink.clear();
    manager.apply(List.of(), c -> null);
    assertThat(stale(sink)).containsExactlyInAnyOrder("a", "up", "scrape_duration_seconds", "scrape_samples_scraped",
        "scrape_samples_post_metric_relabeling", "scrape_series_added");
  }

  @Test
  void restartedJobDoesNotMarkItsSeriesStale() {
    exporter.body = "a 1\n";
    run(job(""));
    scrape();
    sink.clear();
    run(job("honor_labels: true"));
    assertThat(stale(sink)).isEmpty();
  }

  @Test
  void restartedJobMarksOnlyTheTargetsItLostStale() throws Exception {
    exporter.body = "a 1\n";
    try (FakeExporter other = new FakeExporter()) {
      other.body = "b 1\n";
      String both = "scrape_configs:\n- job_name: node\n  scrape_interval: 1h\n  static_configs: [{targets: ['%s', '%s']}]\n";
      run(AgentConfig.parse("p.yml", null, both.formatted(exporter.address(), other.address()),
          SecretProviderFactories.load()).scrapeConfigs().get(0));
      scrape();
      sink.clear();
      String one = "scrape_configs:\n- job_name: node\n  scrape_interval: 1h\n  honor_labels: true\n  static_configs: [{targets: ['%s']}]\n";
      run(AgentConfig.parse("p.yml", null, one.formatted(exporter.address()), SecretProviderFactories.load())
          .scrapeConfigs().get(0));
      assertThat(stale(sink)).containsExactlyInAnyOrder("b", "up", "scrape_duration_seconds", "scrape_samples_scraped",
          "scrape_samples_post_metric_relabeling", "scrape_series_added");
      assertThat(sink).allMatch(x -> x.labels().get("instance").equals(other.address()));
    }
  }

  @Test
  void sampleLimitFailsTheScrape() {
    exporter.body = "a 1\nb 2\nc 3\n";
    run(job("sample_limit: 2"));
    Map<String, Double> v = values(scrape());
    String l = "env=\"test\", instance=\"" + inst() + "\", job=\"node\"";
    assertThat(v).doesNotContainKey("{__name__=\"a\", " + l + "}")
        .containsEntry("{__name__=\"up\", " + l + "}", 0.0)
        .containsEntry("{__name__=\"scrape_samples_scraped\", " + l + "}", 3.0);
    assertThat(target().lastError()).contains("sample limit exceeded");
  }

  @Test
  void labelAndBodyLimitsFailTheScrapeWithPrometheusMessages() {
    exporter.body = "m{a=\"1\",b=\"2\"} 1\n";
    run(job("label_limit: 4"));
    scrape();
    assertThat(target().lastError()).contains("label_limit exceeded (metric: m, number of labels: 6, limit: 4)");
    run(job("label_name_length_limit: 3"));
    scrape();
    assertThat(target().lastError()).contains("label_name_length_limit exceeded (metric: m, label name: __name__, length: 8, limit: 3)");
    exporter.body = "m{a=\"" + "x".repeat(60) + "\"} 1\n";
    run(job("label_value_length_limit: 10"));
    Map<String, Double> v = values(scrape());
    assertThat(target().lastError()).contains("label_value_length_limit exceeded (metric: m, label name: a, value: \""
        + "x".repeat(50) + "\", length: 60, limit: 10)");
    assertThat(v).containsEntry("{__name__=\"up\", env=\"test\", instance=\"" + inst() + "\", job=\"node\"}", 0.0);
    exporter.gzip = true;
    exporter.body = "m 1\n".repeat(100);
    run(job("body_size_limit: 399"));
    scrape();
    assertThat(target().lastError()).contains("body size limit exceeded");
    run(job("body_size_limit: 1KB"));
    scrape();
    assertThat(target().health()).isEqualTo("up");
  }

  @Test
  void targetLimitFailsEveryTargetOfTheJob() {
    exporter.body = "a 1\n";
    String yaml = "scrape_configs:\n- job_name: node\n  scrape_interval: 1h\n  target_limit: 1\n"
        + "  static_configs: [{targets: ['%s', '127.0.0.1:1']}]\n";
    run(AgentConfig.parse("p.yml", null, yaml.formatted(exporter.address()), SecretProviderFactories.load())
        .scrapeConfigs().get(0));
    List<Sample> s = scrape();
    assertThat(exporter.requests.get()).isZero();
    assertThat(manager.activeTargets()).hasSize(2).allSatisfy(t -> {
      assertThat(t.health()).isEqualTo("down");
      assertThat(t.lastError()).contains("target_limit exceeded (number of targets: 2, limit: 1)");
    });
    assertThat(s.stream().filter(x -> x.labels().metricName().equals("up")).map(Sample::value)).containsExactly(0.0, 0.0);
  }

  @Test
  void timeoutIsReported() {
    exporter.delayMillis = 1500;
    run(job("scrape_timeout: 300ms"));
    scrape();
    assertThat(target().health()).isEqualTo("down");
    assertThat(target().lastError()).contains("Get \"http://" + inst() + "/metrics\": scrape timed out after 300ms");
    assertThat(exporter.lastRequest.getFirst("X-Prometheus-Scrape-Timeout-Seconds")).isEqualTo("0.3");
  }

  @Test
  void parseErrorFailsTheScrape() {
    exporter.body = "a 1\nb{ 2\n";
    run(job(""));
    Map<String, Double> v = values(scrape());
    assertThat(v).containsEntry("{__name__=\"up\", env=\"test\", instance=\"" + inst() + "\", job=\"node\"}", 0.0);
    assertThat(v).doesNotContainKey("{__name__=\"a\", env=\"test\", instance=\"" + inst() + "\", job=\"node\"}");
    assertThat(target().health()).isEqualTo("down");
  }

  @Test
  void targetWaitingForASecretIsNotScraped() {
    exporter.body = "a 1\n";
    String waiting = "waiting for secret pass from provider vault: connection refused";
    run(job(""), req -> {
      throw new SecretUnavailableException(waiting, null);
    });
    assertThat(scrape()).isEmpty();
    assertThat(exporter.requests.get()).isZero();
    assertThat(target().health()).isEqualTo("unknown");
    assertThat(target().lastError()).contains(waiting);
    // The same when the client reports it through the future.
    run(job("honor_labels: true"), req -> CompletableFuture.failedFuture(new SecretUnavailableException(waiting, null)));
    assertThat(scrape()).isEmpty();
    assertThat(target().lastError()).contains(waiting);
  }

  @Test
  void paramsAndMetricsPathBuildTheUrl() {
    exporter.body = "a 1\n";
    run(job("metrics_path: /probe\nparams: {module: [http_2xx], target: ['a b']}"));
    scrape();
    assertThat(target().url().toString()).isEqualTo("http://" + inst() + "/probe?module=http_2xx&target=a+b");
    assertThat(target().health()).isEqualTo("up");
    assertThat(target().discoveredLabels().get("__param_module")).isEqualTo("http_2xx");
  }

  static List<String> stale(List<Sample> samples) {
    return samples.stream().filter(s -> Sample.isStaleNaN(s.value())).map(s -> s.labels().metricName()).toList();
  }

}
