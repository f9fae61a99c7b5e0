package io.remotesecrets.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretState;
import io.remotesecrets.kubernetes.testing.KubernetesApiMock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A distinctive value goes through every path of the provider (fetch, push, rotation, deletion,
 * errors, status, config dump) against fabric8's kubernetes-server-mock 7.5.2 in CRUD mode
 * (Kubernetes core/v1 Secret API), with every logger at DEBUG (fabric8's client included; the
 * mock server's own loggers excepted); it must appear nowhere: not in a log line, an exception message or a {@code toString}, neither plain nor base64-encoded as the
 * API carries it.
 */
class CanaryTest {
  private static final String CANARY = "canary-Zq9-k8s-never-log-7731";
  private static final String CANARY_B64 = Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8));

  @RegisterExtension final KubernetesApiMock api = new KubernetesApiMock();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private Level rootLevel;

  @BeforeEach
  void captureLogs() {
    rootLevel = root.getLevel();
    root.setLevel(Level.DEBUG);
    ((Logger) LoggerFactory.getLogger("io.fabric8")).setLevel(Level.DEBUG);
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void restoreLogs() {
    root.detachAppender(logs);
    root.setLevel(rootLevel);
    ((Logger) LoggerFactory.getLogger("io.fabric8")).setLevel(null);
  }

  @Test
  void theValueAppearsNowhere() throws Exception {
    List<String> seen = new ArrayList<>();
    api.putSecret("ns1", "pass2", Map.of("http_password", CANARY, "second", CANARY + "-2"));
    api.putSecret("ns1", "single", Map.of("only", CANARY + "-single"));
    TestConfig config = TestConfig.parse("""
        global:
          secret_providers:
          - name: kube1
            kubernetes_sp_config:
              namespace: ns1
              api_server: %s
              bearer_token: %s
        secrets:
          good: {password_ref: {kube1: pass2/http_password}}
          single: {password_ref: {kube1: single}}
          ambiguous: {password_ref: {kube1: pass2}}
          nokey: {password_ref: {kube1: pass2/missing}}
          mapform: {password: {kubernetes: {namespace: ns1, name: pass2, key: second, api_server: '%s'}}}
        """.formatted(api.url(), CANARY + "-token", api.url()));
    seen.add(config.document.dump());
    config.secrets.values().forEach(s -> seen.add(s.toString()));
    config.secrets.values().forEach(s -> seen.add(s.description()));

    try (SecretManager manager = SecretManager.builder().initialBackoff(Duration.ofMillis(50)).build()) {
      List<SecretReader> readers = new ArrayList<>();
      for (String name : config.secrets.keySet()) readers.add(manager.reader(config.secrets.get(name)));
      SecretReader good = readers.get(0);
      assertThat(good.await(Duration.ofSeconds(10)).reveal()).isEqualTo(CANARY);
      assertThat(readers.get(1).await(Duration.ofSeconds(10)).reveal()).isEqualTo(CANARY + "-single");
      for (SecretReader r : readers) {
        seen.add(r.toString());
        try {
          seen.add(r.await(Duration.ofSeconds(5)).toString());
        } catch (Exception e) {
          seen.add(String.valueOf(e));
          seen.add(String.valueOf(e.getCause()));
        }
      }
      api.awaitRequests(3, q -> q.contains("watch=true"), Duration.ofSeconds(10));
      // Rotation, deletion, re-creation.
      api.putSecret("ns1", "pass2", Map.of("http_password", CANARY + "-rotated", "second", CANARY + "-2"));
      awaitTrue(() -> value(good).equals(CANARY + "-rotated"));
      api.deleteSecret("ns1", "pass2");
      awaitTrue(() -> manager.status().stream().anyMatch(s -> s.ref().equals("pass2/http_password")
          && s.state() == SecretState.STALE));
      seen.add(manager.status().toString());
      api.putSecret("ns1", "pass2", Map.of("http_password", CANARY + "-again"));
      awaitTrue(() -> value(good).equals(CANARY + "-again"));
      seen.add(manager.status().toString());
      seen.add(good.previous().toString());
    }
    for (ILoggingEvent e : logs.list) {
      // The API server double logs the objects it stores; it plays the server, not us.
      if (e.getLoggerName().startsWith("io.fabric8.kubernetes.client.server.mock")
          || e.getLoggerName().startsWith("io.fabric8.mockwebserver")) {
        continue;
      }
      seen.add(e.getFormattedMessage());
      if (e.getThrowableProxy() != null) seen.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
    }
    assertThat(logs.list).as("DEBUG logging was captured").hasSizeGreaterThan(10);
    assertThat(String.join("\n", seen)).contains("pass2").doesNotContain("canary-Zq9").doesNotContain(CANARY_B64)
        .doesNotContain(CANARY_B64.substring(0, 16));
  }

  private static String value(SecretReader r) {
    try {
      return r.current().reveal();
    } catch (Exception e) {
      return "";
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier c) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("condition not met within 5 s");
      Thread.sleep(5);
    }
  }
}
