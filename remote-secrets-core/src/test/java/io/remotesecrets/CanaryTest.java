package io.remotesecrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigException;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distinctive value flows through load, fetch, rotation, failure, rejection and dump paths;
 * it must never show up in logs, exception messages, toString, status or metrics.
 */
class CanaryTest {
  static final String CANARY = "CANARY-4f9e2d-do-not-print";

  @Test
  void canaryNeverLeaks(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pass");
    Files.writeString(file, CANARY + "-file\n");
    List<String> seen = new ArrayList<>();
    PrometheusRegistry registry = new PrometheusRegistry();
    try (LogCapture logs = new LogCapture();
        SecretManager manager = SecretManager.builder().registry(registry).initialBackoff(Duration.ofMillis(20)).build()) {
      ConfigDocument doc = ConfigDocument.parse("prometheus.yml", dir.resolve("prometheus.yml"), """
          global:
            secret_providers:
            - {name: demo, inline_sp_config: {secrets: {pw: %1$s-inline}}}
          jobs:
          - {password: %1$s-plain}
          - {password_ref: {demo: pw}}
          - {password_file: pass}
          - {password: {env: {name: %2$s}}}
          """.formatted(CANARY, "REMOTE_SECRETS_UNSET_VAR_7"));
      ConfigContext ctx = new ConfigContext(doc, SecretProviderFactories.load());
      ConfigMap root = doc.root().asMap();
      ctx.declareProviders(root.map("global").required("secret_providers"));
      List<SecretReader> readers = new ArrayList<>();
      for (ConfigNode job : root.list("jobs")) {
        SecretSpec spec = ctx.secret(job.asMap(), "", "password").orElseThrow();
        seen.add(spec.toString());
        seen.add(spec.description());
        readers.add(manager.reader(spec));
      }
      doc.finish();
      seen.add(doc.dump());
      seen.add(ctx.secrets().toString());
      for (SecretReader r : readers) {
        seen.add(r.toString());
        try {
          Secret s = r.await(Duration.ofSeconds(5));
          seen.add(s.toString());
          seen.add(String.valueOf(r.reportRejected(s).get()));
        } catch (SecretUnavailableException e) {
          collect(e, seen);
        }
      }
      // Rotation and failure paths of the file secret.
      Files.writeString(file, CANARY + "-rotated");
      long end = System.nanoTime() + 5_000_000_000L;
      while (!readers.get(2).current().reveal().endsWith("rotated") && System.nanoTime() < end) Thread.sleep(10);
      Files.delete(file);
      end = System.nanoTime() + 5_000_000_000L;
      while (manager.status().stream().noneMatch(s -> s.state() == SecretState.STALE) && System.nanoTime() < end) Thread.sleep(10);
      seen.add(manager.status().toString());
      ByteArrayOutputStream metrics = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(metrics, registry.scrape());
      seen.add(metrics.toString(StandardCharsets.UTF_8));
      seen.add(logs.text());
      assertThat(logs.text()).contains("secret rotated", "secret fetch failed");
    }
    // A config error next to a secret.
    try {
      ConfigDocument doc = ConfigDocument.parse("bad.yml", null, "a: {password: " + CANARY + ", password_file: /x}\nb: " + CANARY + "\n");
      ConfigContext ctx = new ConfigContext(doc, SecretProviderFactories.load());
      ConfigMap root = doc.root().asMap();
      ctx.secret(root.map("a"), "", "password");
      root.map("b");
    } catch (ConfigException e) {
      collect(e, seen);
    }
    assertThat(seen).isNotEmpty().allSatisfy(s -> assertThat(s).doesNotContain("CANARY"));
  }

  private static void collect(Throwable t, List<String> seen) {
    for (; t != null; t = t.getCause()) {
      seen.add(t.toString());
      seen.add(String.valueOf(t.getMessage()));
    }
  }
}
