package io.remotesecrets.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.remotesecrets.SecretManager;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.http.RecordingServer.Reply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A distinctive secret value goes through every secret-typed field and every failure path; it
 * must never show in a log line, an exception (message or stack trace), a toString or a config
 * dump.
 */
class CanaryTest {
  static final String CANARY = "CANARY-b7e1c9d4-never-print-me";

  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final List<String> seen = new ArrayList<>();
  private Logger root;
  private Level level;

  @BeforeEach
  void captureLogs() {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    level = root.getLevel();
    root.setLevel(Level.DEBUG);
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void checkLogs() {
    root.detachAppender(logs);
    root.setLevel(level);
    for (ILoggingEvent e : logs.list) {
      seen.add(e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) seen.add(t.getMessage());
    }
    assertThat(logs.list).as("log events captured").isNotEmpty();
    assertThat(seen).allSatisfy(s -> assertThat(String.valueOf(s)).doesNotContain(CANARY));
  }

  private void record(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    seen.add(w.toString());
  }

  @Test
  void noConfigFieldPrintsItsValue() throws Exception {
    String yaml = "basic_auth: {username: u, password: " + CANARY + "}\n"
        + "http_headers: {X-A: {secrets: [" + CANARY + "]}}\n"
        + "proxy_url: http://user:" + CANARY + "@127.0.0.1:3128\n"
        + "proxy_connect_header: {Proxy-Authorization: [Bearer " + CANARY + "]}\n"
        + "tls_config: {cert: " + CANARY + ", key: " + CANARY + "}\n";
    ConfigDocument doc = ConfigDocument.parse("canary.yml", null, yaml);
    HttpClientConfig cfg = HttpClientConfig.parse(doc.root().asMap(), new ConfigContext(doc, SecretProviderFactories.load()));
    doc.finish();
    seen.add(cfg.toString());
    seen.add(doc.dump());
    seen.add(String.valueOf(cfg.secretSpecs()));
    try (SecretManager m = SecretManager.builder().build(); SecretsHttpClient c = cfg.newClient(m)) {
      seen.add(c.toString());
      try {
        c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:1/")).build(), HttpResponse.BodyHandlers.discarding());
      } catch (Exception e) {
        record(e); // the "cert" and "key" are not PEM
      }
    }
    HttpClientConfig authz = Configs.parse("authorization: {credentials: " + CANARY + "}\n");
    seen.add(authz.toString());
    HttpClientConfig oauth = Configs.parse("oauth2: {client_id: i, client_secret: " + CANARY + ", token_url: 'http://t'}\n");
    seen.add(oauth.toString());
    assertThat(String.join("\n", seen)).contains(io.remotesecrets.Secret.REDACTED);
    root.debug("parsed config {}", cfg);
  }

  @Test
  void rejectedCredentialsAndBrokenKeysDoNotPrintTheirValue() throws Exception {
    Path pass = dir.resolve("pass");
    Files.writeString(pass, CANARY);
    Path key = dir.resolve("key.pem");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + CANARY + "\n-----END PRIVATE KEY-----\n");
    Path key2 = dir.resolve("key2.pem");
    Files.writeString(key2, "-----BEGIN EC PRIVATE KEY-----\nMAA" + CANARY + "\n-----END EC PRIVATE KEY-----\n");
    Path cert = dir.resolve("cert.pem");
    Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n" + CANARY + "\n-----END CERTIFICATE-----\n");
    try (RecordingServer server = new RecordingServer(); SecretManager m = SecretManager.builder().build()) {
      server.handler = r -> Reply.status(401);
      Path multiline = dir.resolve("multiline");
      Files.writeString(multiline, "line-one\n" + CANARY);
      for (String yaml : List.of(
          "http_headers: {X-Key: {files: [" + multiline + "]}}\n",
          "authorization: {credentials_file: " + multiline + "}\n",
          "basic_auth: {username: u, password_file: " + pass + "}\n",
          "bearer_token_file: " + pass + "\n",
          "http_headers: {X-Key: {files: [" + pass + "]}}\n",
          "oauth2: {client_id: i, client_secret_file: " + pass + ", token_url: '" + server.url("/token") + "'}\n")) {
        HttpClientConfig cfg = Configs.parse(yaml);
        for (SecretSpec s : cfg.secretSpecs()) m.reader(s).await(Duration.ofSeconds(10));
        try (SecretsHttpClient c = cfg.newClient(m)) {
          c.send(HttpRequest.newBuilder(URI.create(server.url("/"))).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
          record(e);
        }
      }
      for (Path k : List.of(key, key2)) {
        HttpClientConfig cfg = Configs.parse("tls_config: {cert_file: " + cert + ", key_file: " + k + "}\n");
        for (SecretSpec s : cfg.secretSpecs()) m.reader(s).await(Duration.ofSeconds(10));
        try (SecretsHttpClient c = cfg.newClient(m)) {
          c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
          record(e);
        }
      }
    }
    assertThat(seen).hasSize(8);
    assertThat(seen.get(0)).contains("http_headers X-Key (provider file, ref " + dir.resolve("multiline")
        + "): the value is not a valid HTTP header value");
    assertThat(seen.get(2)).contains("credentials rejected");
  }
}
