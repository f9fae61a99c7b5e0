package io.remotesecrets.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.agent.scrape.Target;
import io.remotesecrets.agent.testing.TestExporter;
import io.remotesecrets.agent.testing.TestProviders;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole agent in process: reload, providers down at start, web endpoints. Peers are local HTTP servers. */
class AgentTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  Agent agent;
  Path config;

  @AfterEach
  void tearDown() {
    if (agent != null) agent.close();
    TestProviders.DOWN.clear();
  }

  Agent start(String yaml) throws Exception {
    config = Files.writeString(dir.resolve("prometheus.yml"), yaml);
    agent = Agent.start(new AgentOptions(config, new InetSocketAddress("127.0.0.1", 0), Clock.systemUTC(),
        TestProviders.factories(),
        b -> b.initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(200)).jitter(0),
        Duration.ofSeconds(2)));
    return agent;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  Target target(String job) {
    return agent.scrapeManager().targetsByJob().get(job).get(0);
  }

  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(agent.webUrl().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(agent.webUrl().resolve(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  double metric(String line) throws Exception {
    for (String l : get("/metrics").body().split("\n")) {
      if (l.startsWith(line + " ")) return Double.parseDouble(l.substring(line.length() + 1));
    }
    throw new AssertionError("no metric " + line);
  }

  static String twoJobs(String a, String b, String valueOne, String valueTwo) {
    return """
        global:
          scrape_interval: 200ms
          secret_providers:
          - name: one
            test_sp_config: {id: one, secrets: {pw: %s}}
          - name: two
            test_sp_config: {id: two, secrets: {pw: %s}}
        scrape_configs:
        - job_name: a
          basic_auth: {username: u, password_ref: {one: pw}}
          static_configs: [{targets: ['%s']}]
        - job_name: b
          basic_auth: {username: u, password_ref: {two: pw}}
          static_configs: [{targets: ['%s']}]
        """.formatted(valueOne, valueTwo, a, b);
  }

  @Test
  void brokenReloadKeepsScrapingAndChangedProviderIsTheOnlyOneRecreated() throws Exception {
    TestProviders.LOADS.clear();
    TestProviders.CLOSES.clear();
    try (TestExporter a = TestExporter.start().requireBasicAuth("u", "pw-a1");
        TestExporter b = TestExporter.start().requireBasicAuth("u", "pw-b1")) {
      start(twoJobs(a.address(), b.address(), "pw-a1", "pw-b1"));
      await("both jobs up", () -> target("a").health().equals("up") && target("b").health().equals("up"));
      assertThat(metric("remote_secrets_config_last_reload_successful")).isEqualTo(1.0);

      Files.writeString(config, "scrape_configs: [{job_name: a, scheme: ftp}]\n");
      HttpResponse<String> failed = post("/-/reload");
      assertThat(failed.statusCode()).isEqualTo(500);
      assertThat(failed.body()).isEqualTo("failed to reload config: " + config
          + ":1:40: scrape_configs[0].scheme: scheme must be \"http\" or \"https\", got \"ftp\"\n");
      assertThat(metric("remote_secrets_config_last_reload_successful")).isEqualTo(0.0);
      int before = a.authorized.get() + b.authorized.get();
      await("scrapes go on after the failed reload", () -> a.authorized.get() + b.authorized.get() >= before + 4);
      assertThat(agent.config().scrapeConfigs()).hasSize(2);

      Target keptA = target("a");
      b.password = "pw-b2";
      Files.writeString(config, twoJobs(a.address(), b.address(), "pw-a1", "pw-b2"));
      assertThat(post("/-/reload").statusCode()).isEqualTo(200);
      assertThat(metric("remote_secrets_config_last_reload_successful")).isEqualTo(1.0);
      assertThat(TestProviders.loads("one")).isEqualTo(1);
      assertThat(TestProviders.closes("one")).isZero();
      assertThat(TestProviders.loads("two")).isEqualTo(2);
      assertThat(TestProviders.closes("two")).isEqualTo(1);
      // Job a was not restarted: same loop, its last scrape still there.
      assertThat(target("a").lastScrape()).isPresent();
      assertThat(target("a").url()).isEqualTo(keptA.url());
      await("job b up with the new password", () -> target("b").health().equals("up")
          && target("b").lastError().isEmpty());
    }
  }

  @Test
  void providerDownAtStartDelaysOnlyItsTarget() throws Exception {
    TestProviders.DOWN.add("vault-down");
    try (TestExporter a = TestExporter.start().requireBasicAuth("u", "secret-a");
        TestExporter b = TestExporter.start()) {
      start("""
          global:
            scrape_interval: 200ms
            secret_providers:
            - name: store
              test_sp_config: {id: vault-down, secrets: {pw: secret-a}}
          scrape_configs:
          - job_name: a
            basic_auth: {username: u, password_ref: {store: pw}}
            static_configs: [{targets: ['%s']}]
          - job_name: b
            static_configs: [{targets: ['%s']}]
          """.formatted(a.address(), b.address()));
      await("job b scraped several times", () -> b.authorized.get() >= 3);
      assertThat(target("b").health()).isEqualTo("up");
      assertThat(a.requests.get()).isZero();
      await("job a waiting", () -> target("a").lastError().isPresent());
      assertThat(target("a").health()).isEqualTo("unknown");
      assertThat(target("a").lastError().orElseThrow())
          .startsWith("waiting for secret pw from provider store").contains("store vault-down unreachable");

      TestProviders.DOWN.remove("vault-down");
      await("job a up once the provider is back", () -> target("a").health().equals("up"));
      assertThat(a.authorized.get()).isPositive();
    }
  }

  @Test
  void staleSecretKeepsTheTargetScraping() throws Exception {
    try (TestExporter a = TestExporter.start().requireBasicAuth("u", "secret-a")) {
      start("""
          global:
            scrape_interval: 100ms
            secret_providers:
            - name: store
              test_sp_config: {id: flaky, refresh_interval: 200ms, secrets: {pw: secret-a}}
          scrape_configs:
          - job_name: a
            basic_auth: {username: u, password_ref: {store: pw}}
            static_configs: [{targets: ['%s']}]
          """.formatted(a.address()));
      await("target up", () -> target("a").health().equals("up"));
      TestProviders.DOWN.add("flaky");
      await("secret stale", () -> agent.secretManager().status().stream()
          .anyMatch(st -> st.ref().equals("pw") && st.state() == io.remotesecrets.SecretState.STALE));
      int before = a.authorized.get();
      await("scrapes go on with the stale value", () -> a.authorized.get() >= before + 3);
      assertThat(target("a").health()).isEqualTo("up");
      assertThat(get("/status").body()).contains("<td class=\"stale\">stale</td>");
    }
  }

  @Test
  void samplesGoToEveryRemoteWriteQueueWithExternalLabels() throws Exception {
    List<com.sun.net.httpserver.Headers> first = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<com.sun.net.httpserver.Headers> second = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<byte[]> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer r1 = receiver(first, bodies);
    com.sun.net.httpserver.HttpServer r2 = receiver(second, bodies);
    try (TestExporter a = TestExporter.start()) {
      a.body = "rw_fanout_metric 7\n";
      start("""
          global:
            scrape_interval: 100ms
            external_labels: {cluster: c1}
          scrape_configs:
          - job_name: a
            static_configs: [{targets: ['%s']}]
          remote_write:
          - {url: 'http://127.0.0.1:%d/api/v1/write', queue_config: {batch_send_deadline: 50ms}}
          - {url: 'http://127.0.0.1:%d/api/v1/write', name: second, queue_config: {batch_send_deadline: 50ms}}
          """.formatted(a.address(), r1.getAddress().getPort(), r2.getAddress().getPort()));
      await("both receivers written to", () -> !first.isEmpty() && !second.isEmpty());
      for (com.sun.net.httpserver.Headers h : List.of(first.get(0), second.get(0))) {
        assertThat(h.getFirst("Content-Encoding")).isEqualTo("snappy");
        assertThat(h.getFirst("Content-Type")).isEqualTo("application/x-protobuf");
        assertThat(h.getFirst("X-Prometheus-Remote-Write-Version")).isEqualTo("0.1.0");
      }
      // The protobuf carries label names and values as plain strings inside the snappy block.
      String decoded = new String(org.xerial.snappy.Snappy.uncompress(bodies.get(0)), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(decoded).contains("cluster", "c1", "job", "instance", a.address());
      assertThat(metric("prometheus_remote_storage_samples_total{remote_name=\"second\",url=\"http://127.0.0.1:"
          + r2.getAddress().getPort() + "/api/v1/write\"}")).isPositive();
      String status = get("/status").body();
      assertThat(status).contains("<table id=\"remote-write-table\">",
          "<tr><td>second</td><td><code>http://127.0.0.1:" + r2.getAddress().getPort() + "/api/v1/write</code></td>");
      assertThat(agent.remoteWrites()).extracting(w -> w.name()).contains("second");
      assertThat(agent.remoteWrites().get(1).sent()).isPositive();
    } finally {
      r1.stop(0);
      r2.stop(0);
    }
  }

  static com.sun.net.httpserver.HttpServer receiver(List<com.sun.net.httpserver.Headers> headers, List<byte[]> bodies)
      throws java.io.IOException {
    com.sun.net.httpserver.HttpServer s = com.sun.net.httpserver.HttpServer.create(
        new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 8);
    s.createContext("/api/v1/write", ex -> {
      try (ex) {
        bodies.add(ex.getRequestBody().readAllBytes());
        headers.add(ex.getRequestHeaders());
        ex.sendResponseHeaders(204, -1);
      }
    });
    s.start();
    return s;
  }

  @Test
  void webEndpoints() throws Exception {
    try (TestExporter a = TestExporter.start()) {
      start("""
          global: {scrape_interval: 200ms}
          scrape_configs:
          - job_name: a
            static_configs: [{targets: ['%s', 'dropme:1']}]
            relabel_configs:
            - {source_labels: [__address__], regex: 'dropme.*', action: drop}
          """.formatted(a.address()));
      await("target up", () -> target("a").health().equals("up"));
      assertThat(get("/-/healthy").body()).isEqualTo("remote-secrets agent is Healthy.\n");
      assertThat(get("/-/ready").statusCode()).isEqualTo(200);
      assertThat(get("/-/reload").statusCode()).isEqualTo(405);
      assertThat(get("/nope").statusCode()).isEqualTo(404);
      String targets = get("/api/v1/targets").body();
      assertThat(targets).startsWith("{\"status\":\"success\",\"data\":{\"activeTargets\":[{\"discoveredLabels\":{")
          .contains("\"labels\":{\"instance\":\"" + a.address() + "\",\"job\":\"a\"}")
          .contains("\"scrapePool\":\"a\"", "\"scrapeUrl\":\"http://" + a.address() + "/metrics\"",
              "\"health\":\"up\"", "\"scrapeInterval\":\"200ms\"", "\"lastError\":\"\"")
          .contains("\"droppedTargets\":[{\"discoveredLabels\":{\"__address__\":\"dropme:1\"");
      assertThat(get("/api/v1/targets?state=dropped").body()).contains("\"activeTargets\":[]");
      assertThat(get("/api/v1/status/config").body()).startsWith("{\"status\":\"success\",\"data\":{\"yaml\":\"global:");
      String metrics = get("/metrics").body();
      assertThat(metrics).contains("remote_secrets_config_last_reload_successful 1.0",
          "prometheus_sd_discovered_targets{config=\"a\"} 2.0", "process_cpu_seconds_total ", "jvm_memory_used_bytes{");
      assertThat(get("/status").body()).contains("<table id=\"targets-table\">", "<table id=\"secrets-table\">",
          "<td class=\"up\">UP</td>", "1 dropped target(s)");
      List<Target> active = agent.scrapeManager().activeTargets();
      assertThat(active).hasSize(1);
    }
  }

  @Test
  void invalidConfigurationAtStartLeavesNothingRunning() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yml"), "rule_files: [a.yml]\n");
    InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 0);
    try {
      Agent.start(AgentOptions.of(bad, listen));
      throw new AssertionError("expected a configuration error");
    } catch (io.remotesecrets.config.ConfigException e) {
      assertThat(e.getMessage()).isEqualTo(bad + ":1:13: rule_files: rule_files is not supported by the "
          + "remote-secrets agent (the agent evaluates no rules)");
    }
  }
}
