package io.remotesecrets.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.Secret;
import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.http.RecordingServer.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request-path behaviour against a recording HTTP server on 127.0.0.1. */
class SecretsHttpClientTest {
  @TempDir Path dir;
  private RecordingServer server;
  private SecretManager manager;
  private SecretsHttpClient client;

  @BeforeEach
  void start() throws Exception {
    server = new RecordingServer();
    manager = SecretManager.builder().build();
  }

  @AfterEach
  void stop() {
    if (client != null) client.close();
    manager.close();
    server.close();
  }

  private SecretsHttpClient client(String yaml) throws Exception {
    HttpClientConfig cfg = Configs.parse(yaml);
    for (SecretSpec s : cfg.secretSpecs()) manager.reader(s).await(Duration.ofSeconds(10));
    client = cfg.newClient(manager);
    return client;
  }

  /** Whether requests go through {@code sendAsync} (the agent's path) instead of {@code send}. */
  boolean async() {
    return false;
  }

  <T> HttpResponse<T> send(HttpRequest r, HttpResponse.BodyHandler<T> h) throws Exception {
    if (!async()) return client.send(r, h);
    try {
      return client.sendAsync(r, h).get();
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(server.url(path))).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String pass) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
  }

  private static void replace(Path file, String content) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void awaitValue(SecretSpec spec, String expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!manager.reader(spec).current().equals(Secret.of(expected))) {
      if (System.nanoTime() > deadline) throw new AssertionError("secret not rotated within 10 s");
      Thread.sleep(20);
    }
  }

  @Test
  void aSecretWithoutAValueFailsTheRequestBeforeAnyNetworkIo() throws Exception {
    Path missing = dir.resolve("missing");
    HttpClientConfig cfg = Configs.parse("basic_auth: {username: u, password_file: " + missing + "}\n");
    client = cfg.newClient(manager);
    var f = client.sendAsync(HttpRequest.newBuilder(URI.create(server.url("/"))).build(), HttpResponse.BodyHandlers.ofString());
    assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).cause()
        .isInstanceOf(SecretUnavailableException.class)
        .message().startsWith("waiting for secret " + missing + " from provider file: ");
    assertThatThrownBy(() -> get("/")).isInstanceOf(SecretUnavailableException.class);
    assertThat(server.requests).isEmpty();
  }

  @Test
  void credentialsAndHeadersAreInjectedWithoutTouchingTheCallersSettings() throws Exception {
    Path headerFile = dir.resolve("tenant");
    Files.writeString(headerFile, "tenant-from-file\n");
    client("basic_auth: {username: user, password: pass}\n"
        + "http_headers:\n  X-Scope-OrgID: {values: [a], secrets: [b], files: [" + headerFile + "]}\n");
    HttpRequest req = HttpRequest.newBuilder(URI.create(server.url("/metrics")))
        .header("Accept", "application/openmetrics-text;version=1.0.0")
        .header("Accept-Encoding", "gzip")
        .header("X-Prometheus-Scrape-Timeout-Seconds", "10")
        .timeout(Duration.ofSeconds(7))
        .build();
    assertThat(send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    var r = server.requests.get(0);
    assertThat(r.header("Authorization")).isEqualTo(basic("user", "pass"));
    assertThat(r.header("Accept")).isEqualTo("application/openmetrics-text;version=1.0.0");
    assertThat(r.header("Accept-Encoding")).isEqualTo("gzip");
    assertThat(r.header("X-Prometheus-Scrape-Timeout-Seconds")).isEqualTo("10");
    assertThat(r.headers().get("X-scope-orgid")).containsExactly("a", "b", "tenant-from-file");
    assertThat(req.timeout()).contains(Duration.ofSeconds(7));
  }

  @Test
  void anAuthorizationSetByTheCallerWins() throws Exception {
    client("authorization: {type: Token, credentials: configured}\n");
    get("/");
    send(HttpRequest.newBuilder(URI.create(server.url("/"))).header("Authorization", "Bearer mine").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(server.requests).extracting(r -> r.header("Authorization")).containsExactly("Token configured", "Bearer mine");
  }

  @Test
  void aRotatedSecretIsUsedByTheNextRequestWithoutRebuildingTheClient() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "token-1\n");
    client("bearer_token_file: " + token + "\n");
    get("/");
    replace(token, "token-2\n");
    awaitValue(client.config().authorization().orElseThrow().credentials().orElseThrow(), "token-2");
    get("/");
    assertThat(server.requests).extracting(r -> r.header("Authorization")).containsExactly("Bearer token-1", "Bearer token-2");
  }

  @Test
  void aRotationThatReachesTheProviderFirstFallsBackToThePreviousValue() throws Exception {
    Path pass = dir.resolve("pass");
    Files.writeString(pass, "old\n");
    AtomicReference<String> accepted = new AtomicReference<>("old");
    server.handler = r -> basic("u", accepted.get()).equals(r.header("Authorization")) ? Reply.ok("ok") : Reply.status(401);
    client("basic_auth: {username: u, password_file: " + pass + "}\n");
    assertThat(get("/").statusCode()).isEqualTo(200);

    replace(pass, "new\n");
    awaitValue(client.config().basicAuth().orElseThrow().password().orElseThrow(), "new");
    // The server still wants the old value: one 401, then the previous value, kept while it works.
    for (int i = 0; i < 3; i++) assertThat(get("/").statusCode()).isEqualTo(200);
    accepted.set("new");
    for (int i = 0; i < 3; i++) assertThat(get("/").statusCode()).isEqualTo(200);

    assertThat(server.requests).extracting(r -> r.header("Authorization")).containsExactly(
        basic("u", "old"),
        basic("u", "new"), basic("u", "old"), basic("u", "old"), basic("u", "old"),
        basic("u", "old"), basic("u", "new"), basic("u", "new"), basic("u", "new"));
    assertThat(client.rejections()).isEqualTo(2);
  }

  @Test
  void aRetrySendsTheRequestBodyAgain() throws Exception {
    Path token = dir.resolve("rw-token");
    Files.writeString(token, "old-token\n");
    server.handler = r -> "Bearer old-token".equals(r.header("Authorization")) ? Reply.ok("ok") : Reply.status(401);
    client("authorization: {credentials_file: " + token + "}\n");
    replace(token, "new-token\n");
    awaitValue(client.config().authorization().orElseThrow().credentials().orElseThrow(), "new-token");

    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/write")))
        .header("Content-Encoding", "snappy").header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray("payload".getBytes(StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(server.requests).extracting(RecordingServer.Request::body).containsExactly("payload", "payload");
    assertThat(server.requests).extracting(x -> x.header("Content-Encoding")).containsExactly("snappy", "snappy");
    assertThat(server.requests).extracting(x -> x.header("Authorization"))
        .containsExactly("Bearer new-token", "Bearer old-token");
  }

  @Test
  void a403IsHandledLikeA401AndInlineCredentialsAreNotRetried() throws Exception {
    server.handler = r -> Reply.status(403);
    client("authorization: {credentials: inline-token}\n");
    assertThatThrownBy(() -> get("/x"))
        .isInstanceOf(CredentialsRejectedException.class)
        .hasMessage("HTTP 403 from " + server.url("/x") + ": credentials rejected: authorization credentials (inline);"
            + " the credentials are written in the configuration");
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void withoutConfiguredCredentialsA401IsReturnedAsIs() throws Exception {
    server.handler = r -> Reply.status(401);
    client("");
    assertThat(get("/").statusCode()).isEqualTo(401);
  }

  @Test
  void redirectsKeepCredentialsOnTheSameHostOnly() throws Exception {
    try (RecordingServer other = new RecordingServer()) {
      server.handler = r -> switch (r.uri()) {
        case "/a" -> Reply.redirect(302, "/b");
        case "/b" -> Reply.redirect(307, "http://localhost:" + other.port() + "/c");
        default -> Reply.ok("ok");
      };
      client("basic_auth: {username: u, password: p}\nhttp_headers: {X-Secret: {secrets: [s]}, X-Plain: {values: [v]}}\n");
      HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(server.url("/a")))
          .header("Cookie", "c=1").POST(HttpRequest.BodyPublishers.ofString("body")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(server.requests).extracting(RecordingServer.Request::method).containsExactly("POST", "GET");
      assertThat(server.requests).extracting(x -> x.header("Authorization")).containsExactly(basic("u", "p"), basic("u", "p"));
      var cross = other.requests.get(0);
      assertThat(cross.method()).isEqualTo("GET");
      assertThat(cross.header("Authorization")).isNull();
      assertThat(cross.header("Cookie")).isNull();
      assertThat(cross.header("X-Secret")).isNull();
      assertThat(cross.header("X-Plain")).isEqualTo("v");
    }
  }

  @Test
  void followRedirectsFalseReturnsTheRedirect() throws Exception {
    server.handler = r -> r.uri().equals("/a") ? Reply.redirect(302, "/b") : Reply.ok("ok");
    client("follow_redirects: false\n");
    assertThat(get("/a").statusCode()).isEqualTo(302);
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void redirectLoopsStopAfterTen() throws Exception {
    server.handler = r -> Reply.redirect(302, "/loop");
    client("");
    assertThatThrownBy(() -> get("/loop")).isInstanceOf(java.io.IOException.class).hasMessage("stopped after 10 redirects");
    assertThat(server.requests).hasSize(11);
  }

  @Test
  void anUnparsableRedirectIsReportedWithoutTheUrlPassword() throws Exception {
    server.handler = r -> Reply.redirect(302, "http://[bad");
    client("");
    URI withPassword = URI.create("http://user:urlpass@127.0.0.1:" + server.port() + "/a");
    assertThatThrownBy(() -> send(HttpRequest.newBuilder(withPassword).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageStartingWith("failed to parse Location header of redirect from http://127.0.0.1:")
        .hasMessageNotContaining("urlpass");
  }

  @Test
  void enableHttp2FalseSpeaksHttp11() throws Exception {
    client("enable_http2: false\n");
    assertThat(get("/").version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
  }

  @Test
  void requestsGoThroughTheConfiguredProxyUnlessExcluded() throws Exception {
    try (RecordingServer proxy = new RecordingServer()) {
      client("proxy_url: http://proxyuser:proxypass@127.0.0.1:" + proxy.port() + "\nno_proxy: excluded.example\n");
      send(HttpRequest.newBuilder(URI.create("http://scrape.example:9100/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(proxy.requests).hasSize(1);
      assertThat(proxy.requests.get(0).uri()).isEqualTo("http://scrape.example:9100/metrics");
      assertThat(proxy.requests.get(0).header("Proxy-Authorization")).isEqualTo(basic("proxyuser", "proxypass"));
      assertThat(client.config().toString()).contains("http://proxyuser:xxxxx@127.0.0.1").doesNotContain("proxypass");
    }
  }
}
