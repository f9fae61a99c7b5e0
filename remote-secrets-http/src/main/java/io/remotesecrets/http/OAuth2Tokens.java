package io.remotesecrets.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.remotesecrets.Secret;
import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.http.HttpClientConfig.OAuth2;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OAuth2 client_credentials tokens for one client (RFC 6749 section 4.4), as Go's
 * {@code golang.org/x/oauth2/clientcredentials} gets them: client id and secret in a Basic
 * {@code Authorization} header, {@code scope} space-separated, {@code endpoint_params} added to
 * the form; JSON or form-encoded responses.
 *
 * <p>A token is cached until 10 s before its expiry (Go's {@code expiryDelta}); a token without
 * {@code expires_in} is kept until the resource server rejects it. Concurrent callers share one
 * token request. When the token endpoint answers 401 or 400 {@code invalid_client} and the
 * client secret comes from a provider, the secret is reported rejected and the request is made
 * once more if the refreshed secret differs. Thread-safe.
 */
final class OAuth2Tokens {
  static final Duration EXPIRY_DELTA = Duration.ofSeconds(10);
  private static final JsonFactory JSON = new JsonFactory();

  private final OAuth2 config;
  private final SecretReader clientSecret;
  private final Transport transport;
  private final Clock clock;
  /** Written under this object's lock; read without it by {@link #token()}'s cache hit. */
  private volatile Token token;
  private CompletableFuture<Token> inFlight;

  record Token(String value, String type, Instant expiry) {
    String header() {
      return type + " " + value;
    }

    @Override
    public String toString() {
      return "Token[type=" + type + ", expiry=" + expiry + "]";
    }
  }

  OAuth2Tokens(OAuth2 config, SecretManager manager, Clock clock) {
    this.config = config;
    this.clientSecret = config.clientSecret().map(manager::reader).orElse(null);
    this.transport = new Transport(config.tls(), config.proxy(), true, manager);
    this.clock = clock;
  }

  /** A valid token: the cached one, or a new one (one request shared by concurrent callers). */
  CompletableFuture<Token> token() {
    Token t = token;
    if (valid(t)) return CompletableFuture.completedFuture(t);
    return fetchShared();
  }

  private boolean valid(Token t) {
    return t != null && (t.expiry == null || clock.instant().isBefore(t.expiry.minus(EXPIRY_DELTA)));
  }

  private synchronized CompletableFuture<Token> fetchShared() {
    Token t = token;
    if (valid(t)) return CompletableFuture.completedFuture(t);
    if (inFlight != null) return inFlight;
    CompletableFuture<Token> f = fetch(false);
    inFlight = f;
    f.whenComplete((v, e) -> {
      synchronized (this) {
        if (inFlight == f) inFlight = null;
        if (v != null) token = v;
      }
    });
    return f;
  }

  /** Drops {@code rejected} so that the next {@link #token()} fetches a new one. */
  synchronized void invalidate(Token rejected) {
    if (token == rejected) token = null;
  }

  String description() {
    return "oauth2 token from " + config.tokenUrl();
  }

  private CompletableFuture<Token> fetch(boolean retried) {
    Secret secret;
    HttpClient client;
    try {
      secret = clientSecret == null ? Secret.of("") : clientSecret.current();
      client = transport.client("https".equalsIgnoreCase(config.tokenUrl().getScheme()));
    } catch (SecretUnavailableException | IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    StringBuilder form = new StringBuilder("grant_type=client_credentials");
    if (!config.scopes().isEmpty()) form.append("&scope=").append(enc(String.join(" ", config.scopes())));
    config.endpointParams().forEach((k, v) -> form.append('&').append(enc(k)).append('=').append(enc(v)));
    String basic = Base64.getEncoder().encodeToString(
        (enc(config.clientId()) + ":" + enc(secret.reveal())).getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder req = HttpRequest.newBuilder(config.tokenUrl())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .header("Authorization", "Basic " + basic)
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
    try {
      transport.addProxyHeaders(req, config.tokenUrl());
    } catch (SecretUnavailableException | IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return client.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString()).exceptionallyCompose(e -> {
      Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      return CompletableFuture.failedFuture(new IOException("oauth2: cannot fetch token from " + config.tokenUrl()
          + ": " + c, c));
    }).thenCompose(resp -> {
      int sc = resp.statusCode();
      if (sc >= 200 && sc < 300) {
        try {
          return CompletableFuture.completedFuture(parse(resp));
        } catch (IOException e) {
          return CompletableFuture.failedFuture(e);
        }
      }
      boolean clientRejected = sc == 401 || sc == 400 && resp.body().contains("invalid_client");
      if (clientRejected && clientSecret != null && !clientSecret.isConstant() && !retried) {
        return clientSecret.reportRejected(secret).thenCompose(now -> now.equals(secret)
            ? CompletableFuture.failedFuture(failure(sc, " (client secret from " + clientSecret.description()
                + " rejected; a refresh returned the same value)"))
            : fetch(true));
      }
      String from = clientSecret == null ? "" : " (client secret from " + clientSecret.description() + ")";
      return CompletableFuture.failedFuture(failure(sc, from));
    });
  }

  private IOException failure(int status, String detail) {
    return new IOException("oauth2: cannot fetch token from " + config.tokenUrl() + ": HTTP " + status + detail);
  }

  private Token parse(HttpResponse<String> resp) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    String type = resp.headers().firstValue("Content-Type").orElse("");
    if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("text/plain")) {
      for (String pair : resp.body().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    } else {
      try (JsonParser p = JSON.createParser(resp.body())) {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("token response is not a JSON object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          if (v.isScalarValue()) fields.put(name, p.getText());
          else p.skipChildren();
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IOException("oauth2: cannot parse token response from " + config.tokenUrl() + " (invalid JSON)");
      }
    }
    String access = fields.get("access_token");
    if (access == null || access.isEmpty()) {
      throw new IOException("oauth2: server response from " + config.tokenUrl() + " missing access_token");
    }
    Instant expiry = null;
    String expiresIn = fields.get("expires_in");
    if (expiresIn != null && !expiresIn.isEmpty()) {
      try {
        long s = Long.parseLong(expiresIn);
        if (s > 0) expiry = clock.instant().plusSeconds(s);
      } catch (NumberFormatException e) {
        throw new IOException("oauth2: invalid expires_in in token response from " + config.tokenUrl());
      }
    }
    return new Token(access, tokenType(fields.getOrDefault("token_type", "")), expiry);
  }

  /** Go's {@code oauth2.Token.Type()}. */
  private static String tokenType(String t) {
    if (t.equalsIgnoreCase("bearer") || t.isEmpty()) return "Bearer";
    if (t.equalsIgnoreCase("mac")) return "MAC";
    if (t.equalsIgnoreCase("basic")) return "Basic";
    return t;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  void close() {
    transport.close();
  }
}
