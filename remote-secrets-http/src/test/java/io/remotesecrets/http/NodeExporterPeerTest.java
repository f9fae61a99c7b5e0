package io.remotesecrets.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.remotesecrets.SecretManager;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.testing.LogCapture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes a real Debian {@code prometheus-node-exporter} 1.5 behind TLS and bcrypt basic auth
 * (exporter-toolkit web config), with credentials from the {@code file} provider. Fails, not
 * skips, when the binary is missing.
 */
@Tag("peer")
class NodeExporterPeerTest {
  @TempDir static Path dir;
  static TestPki.Issued ca;
  static TestPki.Issued server;

  private NodeExporter exporter;
  private SecretManager manager;
  private SecretsHttpClient client;

  @BeforeAll
  static void pki() throws Exception {
    ca = TestPki.ca("test-ca");
    server = TestPki.server(ca, TestPki.rsa());
    Files.writeString(dir.resolve("ca.pem"), ca.certPem());
    Files.writeString(dir.resolve("server.pem"), server.certPem());
    Files.writeString(dir.resolve("server.key"), server.traditionalKeyPem());
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) client.close();
    if (manager != null) manager.close();
    if (exporter != null) exporter.close();
  }

  private static void webConfig(Path file, String tlsExtra, String bcrypt) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, "tls_server_config:\n"
        + "  cert_file: " + dir.resolve("server.pem") + "\n"
        + "  key_file: " + dir.resolve("server.key") + "\n"
        + tlsExtra
        + (bcrypt == null ? "" : "basic_auth_users:\n  prometheus: '" + bcrypt + "'\n"));
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private SecretsHttpClient client(String yaml, PrometheusRegistry registry) throws Exception {
    HttpClientConfig cfg = Configs.parse(yaml);
    manager = SecretManager.builder().registry(registry).build();
    for (SecretSpec s : cfg.secretSpecs()) manager.reader(s).await(Duration.ofSeconds(10));
    client = cfg.newClient(manager);
    return client;
  }

  /** Whether scrapes go through {@code sendAsync} (the agent's path) instead of {@code send}. */
  boolean async() {
    return false;
  }

  private HttpResponse<String> scrape() throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(exporter.url())).timeout(Duration.ofSeconds(10)).build();
    if (!async()) return client.send(r, HttpResponse.BodyHandlers.ofString());
    try {
      return client.sendAsync(r, HttpResponse.BodyHandlers.ofString()).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private String basicAuthYaml(Path pass) {
    return "basic_auth:\n  username: prometheus\n  password: {file: " + pass + "}\n"
        + "tls_config:\n  ca_file: " + dir.resolve("ca.pem") + "\n";
  }

  @Test
  void scrapesWithThePasswordFromTheFileProvider() throws Exception {
    Path web = dir.resolve("web-ok.yml");
    webConfig(web, "", NodeExporter.bcrypt("s3cret-one"));
    Path pass = dir.resolve("pass-ok");
    Files.writeString(pass, "s3cret-one\n");
    exporter = NodeExporter.start(web, dir);
    client(basicAuthYaml(pass), new PrometheusRegistry());

    HttpResponse<String> r = scrape();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("node_time_seconds");
  }

  @Test
  void aWrongPasswordIsAClear401Error() throws Exception {
    Path web = dir.resolve("web-wrong.yml");
    webConfig(web, "", NodeExporter.bcrypt("right-password"));
    Path pass = dir.resolve("pass-wrong");
    Files.writeString(pass, "wrong-password\n");
    exporter = NodeExporter.start(web, dir);
    client(basicAuthYaml(pass), new PrometheusRegistry());

    assertThatThrownBy(this::scrape)
        .isInstanceOf(CredentialsRejectedException.class)
        .hasMessage("HTTP 401 from " + exporter.url() + ": credentials rejected: basic_auth username (inline),"
            + " basic_auth password (provider file, ref " + pass + "); a refresh from the provider returned the same value")
        .satisfies(e -> assertThat(((CredentialsRejectedException) e).statusCode()).isEqualTo(401));
    assertThat(client.rejections()).isEqualTo(1);
  }

  @Test
  void aRotatedPasswordCostsAtMostOne401AndOneProviderRefresh() throws Exception {
    Path web = dir.resolve("web-rotate.yml");
    webConfig(web, "", NodeExporter.bcrypt("password-v1"));
    Path pass = dir.resolve("pass-rotate");
    Files.writeString(pass, "password-v1\n");
    exporter = NodeExporter.start(web, dir);
    PrometheusRegistry registry = new PrometheusRegistry();
    client(basicAuthYaml(pass), registry);
    for (int i = 0; i < 3; i++) assertThat(scrape().statusCode()).isEqualTo(200);
    double fetchesBefore = fetches(registry, pass.toString());

    // The server switches first, then the provider's file: the order in which a rotation
    // reaches them is not under anyone's control.
    webConfig(web, "", NodeExporter.bcrypt("password-v2"));
    Path tmp = dir.resolve("pass-rotate.tmp");
    Files.writeString(tmp, "password-v2\n");
    Files.move(tmp, pass, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    long forcedRefreshes;
    try (LogCapture logs = new LogCapture()) {
      for (int i = 0; i < 5; i++) assertThat(scrape().statusCode()).isEqualTo(200);
      forcedRefreshes = logs.events().stream()
          .filter(e -> e.getFormattedMessage().startsWith("credentials rejected, refreshing secret")).count();
    }
    // Either the file watch delivered the new value first (no 401, no refresh), or the one 401
    // found it already delivered (no refresh), or the one 401 forced the one refresh that
    // fetched it. (The fetch count itself is pinned down by the exec-provider test below,
    // whose provider cannot push.)
    assertThat(client.rejections()).isLessThanOrEqualTo(1);
    assertThat(forcedRefreshes).isLessThanOrEqualTo(client.rejections());
    assertThat(fetches(registry, pass.toString())).isGreaterThan(fetchesBefore);
  }

  @Test
  void aRotationSeenFirstByTheServerCostsOne401AndOneRefreshOfAPolledProvider() throws Exception {
    // The exec provider cannot watch: the client learns of the rotation only from the 401.
    Path web = dir.resolve("web-rotate-exec.yml");
    webConfig(web, "", NodeExporter.bcrypt("exec-v1"));
    Path value = dir.resolve("exec-value");
    Files.writeString(value, "exec-v1");
    Path script = dir.resolve("secret.sh");
    Files.writeString(script, "#!/bin/sh\ncat >/dev/null\nprintf '{\"pass\":{\"value\":\"%s\",\"error\":null}}' \"$(cat "
        + value + ")\"\n");
    script.toFile().setExecutable(true);
    exporter = NodeExporter.start(web, dir);
    PrometheusRegistry registry = new PrometheusRegistry();
    client("secret_providers:\n- name: vaultcli\n  exec_sp_config: {command: [" + script + "]}\n"
        + "basic_auth:\n  username: prometheus\n  password_ref: {vaultcli: pass}\n"
        + "tls_config:\n  ca_file: " + dir.resolve("ca.pem") + "\n", registry);
    for (int i = 0; i < 3; i++) assertThat(scrape().statusCode()).isEqualTo(200);
    assertThat(fetches(registry, "pass")).isEqualTo(1.0);

    webConfig(web, "", NodeExporter.bcrypt("exec-v2"));
    Files.writeString(value, "exec-v2");

    for (int i = 0; i < 5; i++) assertThat(scrape().statusCode()).isEqualTo(200);
    assertThat(client.rejections()).isEqualTo(1);
    assertThat(fetches(registry, "pass")).isEqualTo(2.0);
  }

  @Test
  void mutualTlsWithTheClientCertificateFromAProvider() throws Exception {
    TestPki.Issued clientCert = TestPki.client(ca, "scraper", TestPki.ec());
    Files.writeString(dir.resolve("client.pem"), clientCert.certPem());
    Files.writeString(dir.resolve("client.key"), clientCert.traditionalKeyPem());
    Path web = dir.resolve("web-mtls.yml");
    webConfig(web, "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: " + dir.resolve("ca.pem") + "\n", null);
    exporter = NodeExporter.start(web, dir);
    client("tls_config:\n  ca_file: " + dir.resolve("ca.pem") + "\n"
        + "  cert: {file: " + dir.resolve("client.pem") + "}\n"
        + "  key_file: " + dir.resolve("client.key") + "\n", new PrometheusRegistry());

    assertThat(scrape().statusCode()).isEqualTo(200);
  }

  @Test
  void mutualTlsWithoutAClientCertificateIsRefused() throws Exception {
    Path web = dir.resolve("web-mtls-none.yml");
    webConfig(web, "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: " + dir.resolve("ca.pem") + "\n", null);
    exporter = NodeExporter.start(web, dir);
    client("tls_config:\n  ca_file: " + dir.resolve("ca.pem") + "\n", new PrometheusRegistry());

    assertThatThrownBy(this::scrape).isInstanceOf(java.io.IOException.class);
  }

  static double fetches(PrometheusRegistry registry, String ref) {
    for (MetricSnapshot m : registry.scrape()) {
      if (m instanceof CounterSnapshot c && c.getMetadata().getName().equals("remote_secret_fetch_success")) {
        for (var d : c.getDataPoints()) {
          if (ref.equals(d.getLabels().get("secret_id"))) return d.getValue();
        }
      }
    }
    return 0;
  }
}
