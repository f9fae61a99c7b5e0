package io.remotesecrets.vault;

import io.remotesecrets.Secret;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretFetchException.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Calls to Vault's HTTP API ({@code /v1/...}) with the namespace header and a token. Knows
 * nothing of KV or auth methods; reports transport failures as
 * {@link Reason#UNAVAILABLE} naming the address.
 */
final class VaultHttp {
  private final URI address;
  private final Optional<String> namespace;
  private final HttpClient client;
  private final Clock clock;

  /** A response: its status, its JSON body (empty when none), and Vault's {@code errors}. */
  record Response(int status, Map<String, Object> body, List<String> errors) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** {@code HTTP 403: permission denied}, with Vault's errors; {@code secrets} cut out. */
    String describe(Secret... secrets) {
      String s = "HTTP " + status + (errors.isEmpty() ? "" : ": " + String.join("; ", errors));
      return redact(s, secrets);
    }
  }

  VaultHttp(URI address, Optional<String> namespace, HttpClient client, Clock clock) {
    this.address = address;
    this.namespace = namespace;
    this.client = client;
    this.clock = clock;
  }

  /** {@code Vault https://host:8200 (namespace ns1)}, the start of every error message. */
  String where() {
    return "Vault " + address + namespace.map(n -> " (namespace " + n + ")").orElse("");
  }

  /**
   * Sends {@code method /v1/<apiPath>}.
   *
   * @param token sent as {@code X-Vault-Token}, if present
   * @param jsonBody the request body, if any; never logged or echoed
   * @throws SecretFetchException {@link Reason#UNAVAILABLE} if Vault cannot be reached by
   *     {@code deadline} or answers with something other than JSON
   */
  Response send(String method, String apiPath, Optional<Secret> token, Optional<String> jsonBody, Instant deadline)
      throws SecretFetchException {
    Duration timeout = Duration.between(clock.instant(), deadline);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new SecretFetchException(Reason.UNAVAILABLE, where() + ": deadline passed before " + method + " " + apiPath);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(apiPath)).timeout(timeout)
        .header("Accept", "application/json")
        // Required by Vault Agent and Vault Proxy listeners that set require_request_header.
        .header("X-Vault-Request", "true");
    namespace.ifPresent(n -> b.header("X-Vault-Namespace", n));
    token.ifPresent(t -> b.header("X-Vault-Token", t.reveal()));
    if (jsonBody.isPresent()) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(jsonBody.get(), StandardCharsets.UTF_8));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r;
    try {
      r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE, where() + ": " + method + " " + apiPath + " timed out after " + timeout.toMillis() + "ms", e);
    } catch (IOException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE, where() + ": " + method + " " + apiPath + " failed: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SecretFetchException(Reason.UNAVAILABLE, where() + ": interrupted during " + method + " " + apiPath, e);
    }
    String text = r.body();
    Map<String, Object> body = Map.of();
    if (text != null && !text.isBlank()) {
      try {
        body = Json.parseObject(text);
      } catch (IllegalArgumentException e) {
        throw new SecretFetchException(Reason.UNAVAILABLE,
            where() + ": " + method + " " + apiPath + ": HTTP " + r.statusCode() + " with a body that is not a JSON object; is the address a Vault server?");
      }
    }
    return new Response(r.statusCode(), body, Json.strings(body.get("errors")));
  }

  private URI uri(String apiPath) {
    StringBuilder sb = new StringBuilder(address.toString()).append("/v1");
    for (String segment : apiPath.split("/")) {
      sb.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return URI.create(sb.toString());
  }

  /** The exception chain's types and messages: TLS failures hide the useful part in a cause. */
  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    String last = null;
    for (Throwable t = e; t != null && sb.length() < 400; t = t.getCause()) {
      String link = t.getClass().getSimpleName() + (t.getMessage() != null ? " (" + t.getMessage() + ")" : "");
      // The JDK client rethrows the same SSLHandshakeException wrapped in a copy of itself.
      if (link.equals(last)) continue;
      if (sb.length() > 0) sb.append(": ");
      sb.append(link);
      last = link;
    }
    return sb.toString();
  }

  /**
   * Stops the client's threads at once on Java 21+ ({@code HttpClient.shutdownNow}, looked up
   * because this module is compiled for 17); on 17 they end when the client is collected.
   */
  void close() {
    try {
      HttpClient.class.getMethod("shutdownNow").invoke(client);
    } catch (ReflectiveOperationException e) {
      // Java 17: nothing to call.
    }
  }

  /** Cuts secret values out of text that came from Vault, in case an error echoes its input. */
  static String redact(String text, Secret... secrets) {
    String s = text;
    for (Secret secret : secrets) {
      if (secret != null && secret.length() >= 4) s = s.replace(secret.reveal(), Secret.REDACTED);
    }
    return s;
  }
}
