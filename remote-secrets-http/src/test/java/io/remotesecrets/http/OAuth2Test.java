package io.remotesecrets.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.SecretManager;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.http.RecordingServer.Reply;
import io.remotesecrets.testing.FakeClock;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OAuth2 client_credentials against a token endpoint double that follows RFC 6749: section 4.4
 * (client credentials grant), 2.3.1 (client id and secret in HTTP Basic, form-encoded), 5.1
 * (JSON token response with {@code expires_in}) and 5.2 ({@code invalid_client} with 401). The
 * double checks the client secret and expires tokens on a fake clock shared with the client.
 */
class OAuth2Test {
  @TempDir Path dir;
  private final FakeClock clock = new FakeClock();
  private RecordingServer tokenEndpoint;
  private RecordingServer resource;
  private SecretManager manager;
  private SecretsHttpClient client;
  private volatile String acceptedSecret = "client-secret-1";
  private final Map<String, Instant> issued = new ConcurrentHashMap<>();
  private final AtomicInteger serial = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    tokenEndpoint = new RecordingServer();
    tokenEndpoint.handler = this::token;
    resource = new RecordingServer();
    resource.handler = r -> {
      String auth = r.header("Authorization");
      Instant expiry = auth == null || !auth.startsWith("Bearer ") ? null : issued.get(auth.substring(7));
      return expiry != null && clock.instant().isBefore(expiry) ? Reply.ok("metrics") : Reply.status(401);
    };
    manager = SecretManager.builder().build();
  }

  @AfterEach
  void stop() {
    if (client != null) client.close();
    manager.close();
    tokenEndpoint.close();
    resource.close();
  }

  private Reply token(RecordingServer.Request r) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : r.body().split("&")) {
      int eq = pair.indexOf('=');
      form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    String expected = "Basic " + Base64.getEncoder().encodeToString(("scraper:" + acceptedSecret).getBytes(StandardCharsets.UTF_8));
    if (!r.method().equals("POST") || !"client_credentials".equals(form.get("grant_type"))) {
      return new Reply(400, "{\"error\":\"unsupported_grant_type\"}", java.util.List.of("Content-Type", "application/json"));
    }
    if (!expected.equals(r.header("Authorization"))) {
      return new Reply(401, "{\"error\":\"invalid_client\"}", java.util.List.of("Content-Type", "application/json"));
    }
    String token = "token-" + serial.incrementAndGet();
    issued.put(token, clock.instant().plusSeconds(60));
    return new Reply(200, "{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"expires_in\":60}",
        java.util.List.of("Content-Type", "application/json"));
  }

  private SecretsHttpClient client(String secretYaml) throws Exception {
    HttpClientConfig cfg = Configs.parse("oauth2:\n  client_id: scraper\n  " + secretYaml + "\n"
        + "  token_url: " + tokenEndpoint.url("/oauth2/token") + "\n  scopes: [metrics.read, openid]\n"
        + "  endpoint_params: {audience: exporters}\n");
    for (SecretSpec s : cfg.secretSpecs()) manager.reader(s).await(Duration.ofSeconds(10));
    client = cfg.newClient(manager, clock);
    return client;
  }

  /** Whether requests go through {@code sendAsync} (the agent's path) instead of {@code send}. */
  boolean async() {
    return false;
  }

  private int scrape() throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(resource.url("/metrics"))).build();
    if (!async()) return client.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
    try {
      return client.sendAsync(r, HttpResponse.BodyHandlers.ofString()).get().statusCode();
    } catch (java.util.concurrent.ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  @Test
  void aTokenIsFetchedWithTheClientSecretAndCachedUntilShortlyBeforeExpiry() throws Exception {
    Path secret = dir.resolve("client-secret");
    Files.writeString(secret, "client-secret-1\n");
    client("client_secret_file: " + secret);

    assertThat(scrape()).isEqualTo(200);
    assertThat(scrape()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(49));
    assertThat(scrape()).isEqualTo(200);
    assertThat(tokenEndpoint.requests).hasSize(1);
    assertThat(tokenEndpoint.requests.get(0).body())
        .isEqualTo("grant_type=client_credentials&scope=metrics.read+openid&audience=exporters");
    assertThat(tokenEndpoint.requests.get(0).header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");

    // 10 s before expiry the token is renewed.
    clock.advance(Duration.ofSeconds(2));
    assertThat(scrape()).isEqualTo(200);
    assertThat(tokenEndpoint.requests).hasSize(2);
    assertThat(resource.requests).extracting(r -> r.header("Authorization"))
        .containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-1", "Bearer token-2");
  }

  @Test
  void aRejectedTokenIsFetchedAgainOnce() throws Exception {
    client("client_secret: client-secret-1");
    assertThat(scrape()).isEqualTo(200);
    issued.clear(); // the resource server forgets every token (a restart, a revocation)
    assertThat(scrape()).isEqualTo(200);
    assertThat(tokenEndpoint.requests).hasSize(2);
    assertThat(resource.requests).extracting(r -> r.header("Authorization"))
        .containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
  }

  @Test
  void aRotatedClientSecretIsRefreshedWhenTheTokenEndpointRejectsIt() throws Exception {
    Path value = dir.resolve("secret-value");
    Files.writeString(value, "client-secret-1");
    Path script = dir.resolve("secret.sh");
    Files.writeString(script, "#!/bin/sh\ncat >/dev/null\nprintf '{\"oauth\":{\"value\":\"%s\",\"error\":null}}' \"$(cat "
        + value + ")\"\n");
    script.toFile().setExecutable(true);
    HttpClientConfig cfg = Configs.parse("secret_providers:\n- name: cli\n  exec_sp_config: {command: [" + script + "]}\n"
        + "oauth2:\n  client_id: scraper\n  client_secret_ref: {cli: oauth}\n  token_url: " + tokenEndpoint.url("/t") + "\n");
    for (SecretSpec s : cfg.secretSpecs()) manager.reader(s).await(Duration.ofSeconds(10));
    client = cfg.newClient(manager, clock);
    assertThat(scrape()).isEqualTo(200);

    acceptedSecret = "client-secret-2";
    Files.writeString(value, "client-secret-2");
    clock.advance(Duration.ofSeconds(55)); // the token needs renewing
    assertThat(scrape()).isEqualTo(200);
    assertThat(tokenEndpoint.requests).extracting(r -> r.header("Authorization")).containsExactly(
        basic("client-secret-1"), basic("client-secret-1"), basic("client-secret-2"));
  }

  private static String basic(String secret) {
    return "Basic " + Base64.getEncoder().encodeToString(("scraper:" + secret).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anUnreachableTokenEndpointIsNamed() throws Exception {
    int port = NodeExporter.freePort();
    HttpClientConfig cfg = Configs.parse("oauth2: {client_id: scraper, client_secret: s, token_url: 'http://127.0.0.1:"
        + port + "/token'}\n");
    client = cfg.newClient(manager, clock);
    assertThatThrownBy(this::scrape).isInstanceOf(java.io.IOException.class)
        .hasMessageStartingWith("oauth2: cannot fetch token from http://127.0.0.1:" + port + "/token: java.net.ConnectException");
    assertThat(resource.requests).isEmpty();
  }

  @Test
  void aWrongClientSecretIsAClearError() throws Exception {
    Path secret = dir.resolve("wrong-secret");
    Files.writeString(secret, "not-the-secret\n");
    client("client_secret_file: " + secret);
    assertThatThrownBy(this::scrape).isInstanceOf(java.io.IOException.class)
        .hasMessage("oauth2: cannot fetch token from " + tokenEndpoint.url("/oauth2/token") + ": HTTP 401 (client secret"
            + " from provider file, ref " + secret + " rejected; a refresh returned the same value)");
    assertThat(resource.requests).isEmpty();
  }
}
