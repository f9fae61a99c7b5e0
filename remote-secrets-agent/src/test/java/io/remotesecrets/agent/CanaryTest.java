package io.remotesecrets.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.sun.net.httpserver.HttpServer;
import io.remotesecrets.agent.log.Logging;
import io.remotesecrets.agent.testing.TestExporter;
import io.remotesecrets.agent.testing.TestProviders;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secret values never leave: distinctive canary values sit in every kind of secret field (inline,
 * provider-backed, remote_write credentials), the agent runs through successes, 401s, connection
 * failures and a failed reload, and no canary appears in the logs (debug level, logfmt and JSON),
 * {@code /status}, {@code /api/v1/targets}, {@code /metrics}, {@code /api/v1/status/config},
 * the config dump or a reload error.
 */
class CanaryTest {
  static final String CANARY = "CANARY-5e1f0c";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @AfterEach
  void restoreLogging() {
    Logging.configure(Level.INFO, Logging.Format.LOGFMT);
  }

  @Test
  void noSecretValueInLogsPagesMetricsOrDump() throws Exception {
    for (Logging.Format format : Logging.Format.values()) {
      ByteArrayOutputStream logs = new ByteArrayOutputStream();
      Logging.configure(Level.DEBUG, format, logs);
      List<String> surfaces = runAgent();
      surfaces.add(logs.toString(StandardCharsets.UTF_8));
      for (String s : surfaces) assertThat(s).doesNotContain(CANARY);
      // The run did exercise the paths that could leak.
      String all = String.join("\n", surfaces);
      assertThat(all).contains("HTTP 401 from http://", "credentials rejected: basic_auth username (inline), basic_auth password (inline)", "<secret>",
          "at most one of basic_auth password, password_file & password_ref must be configured");
    }
  }

  private List<String> runAgent() throws Exception {
    AtomicInteger receiverCalls = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    receiver.createContext("/", ex -> {
      try (ex) {
        receiverCalls.incrementAndGet();
        ex.sendResponseHeaders(401, -1);
      }
    });
    receiver.start();
    List<String> out = new ArrayList<>();
    try (TestExporter good = TestExporter.start().requireBasicAuth("u", CANARY + "-provider");
        TestExporter wrong = TestExporter.start().requireBasicAuth("u", "something-else")) {
      Path config = Files.writeString(dir.resolve("prometheus.yml"), """
          global:
            scrape_interval: 100ms
            external_labels: {site: canary}
            secret_providers:
            - name: vault
              test_sp_config: {id: canary, secrets: {pw: %1$s-provider, token: %1$s-token}}
          scrape_configs:
          - job_name: good
            basic_auth: {username: u, password_ref: {vault: pw}}
            static_configs: [{targets: ['%2$s']}]
          - job_name: wrong
            basic_auth: {username: u, password: %1$s-inline}
            static_configs: [{targets: ['%3$s']}]
          - job_name: unreachable
            authorization: {credentials: %1$s-bearer}
            static_configs: [{targets: ['127.0.0.1:1']}]
          - job_name: missing
            basic_auth: {username: u, password_ref: {vault: nope}}
            static_configs: [{targets: ['127.0.0.1:2']}]
          remote_write:
          - url: http://127.0.0.1:%4$d/api/v1/write
            authorization: {credentials_ref: {vault: token}}
            queue_config: {batch_send_deadline: 50ms}
          """.formatted(CANARY, good.address(), wrong.address(), receiver.getAddress().getPort()));
      try (Agent agent = Agent.start(new AgentOptions(config, new InetSocketAddress("127.0.0.1", 0), Clock.systemUTC(),
          TestProviders.factories(), b -> b.initialBackoff(Duration.ofMillis(50)).jitter(0), Duration.ofMillis(500)))) {
        AgentTest.await("scrapes and a remote_write attempt",
            () -> good.authorized.get() > 0 && wrong.requests.get() > 0 && receiverCalls.get() > 0
                && agent.scrapeManager().activeTargets().stream().allMatch(t -> t.lastError().isPresent()
                    || t.health().equals("up")));
        Files.writeString(config, """
            scrape_configs:
            - job_name: x
              basic_auth: {username: u, password: %1$s-reload, password_file: /x}
            """.formatted(CANARY));
        HttpResponse<String> reload = HTTP.send(HttpRequest.newBuilder(agent.webUrl().resolve("/-/reload"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reload.statusCode()).isEqualTo(500);
        out.add(reload.body());
        for (String path : List.of("/status", "/api/v1/targets", "/metrics", "/api/v1/status/config")) {
          out.add(HTTP.send(HttpRequest.newBuilder(agent.webUrl().resolve(path)).build(),
              HttpResponse.BodyHandlers.ofString()).body());
        }
        out.add(agent.config().dump());
        out.add(agent.config().toString());
        out.add(agent.config().scrapeConfigs().toString());
        out.add(agent.config().remoteWriteConfigs().toString());
        out.add(agent.config().secrets().toString());
        out.add(agent.config().providers().toString());
        out.add(agent.scrapeManager().activeTargets().toString());
        out.add(agent.secretManager().status().toString());
      }
    } finally {
      receiver.stop(0);
    }
    return out;
  }
}
