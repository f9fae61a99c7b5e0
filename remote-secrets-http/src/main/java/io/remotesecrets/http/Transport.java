package io.remotesecrets.http;

import io.remotesecrets.Secret;
import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.http.HttpClientConfig.ProxyConfig;
import io.remotesecrets.http.HttpClientConfig.TlsConfig;
import io.remotesecrets.http.internal.ConfiguredProxySelector;
import io.remotesecrets.http.internal.RotatingKeyManager;
import io.remotesecrets.http.internal.RotatingTrustManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK client under a {@link SecretsHttpClient} (or its OAuth2 token requests), with TLS
 * material from secrets. The key and trust managers read the secrets at each handshake; on top
 * of that, the first request after the material changed swaps in a new JDK client (new
 * connection pool, new TLS session cache), so that no pooled connection or resumed session keeps
 * using the old certificate or trusting the old CA. Thread-safe.
 */
final class Transport {
  private static final Logger log = LoggerFactory.getLogger(Transport.class);

  private final TlsConfig tls;
  private final boolean http2;
  private final SecretReader ca;
  private final SecretReader cert;
  private final SecretReader key;
  private final RotatingKeyManager km;
  private final RotatingTrustManager tm;
  private final ConfiguredProxySelector proxy;
  private final String proxyBasic;
  private final List<Map.Entry<String, SecretReader>> connectHeaders = new ArrayList<>();
  private volatile Snapshot current;

  /** The material a JDK client was built for; compared by identity on the request path. */
  private record Snapshot(Secret ca, Secret cert, Secret key, HttpClient client) {}

  Transport(TlsConfig tls, ProxyConfig proxyConfig, boolean http2, SecretManager manager) {
    this.tls = tls;
    this.http2 = http2;
    this.ca = tls.ca().map(manager::reader).orElse(null);
    this.cert = tls.cert().map(manager::reader).orElse(null);
    this.key = tls.key().map(manager::reader).orElse(null);
    this.km = cert != null && key != null ? new RotatingKeyManager(cert, key) : null;
    this.tm = new RotatingTrustManager(ca, tls.serverName().orElse(null), tls.insecureSkipVerify());
    if (proxyConfig.fromEnvironment()) {
      this.proxy = ConfiguredProxySelector.fromEnvironment(System.getenv());
    } else if (proxyConfig.proxyUrl().isPresent()) {
      this.proxy = ConfiguredProxySelector.of(proxyConfig.proxyUrl().get(), proxyConfig.noProxy().orElse(null));
    } else {
      this.proxy = null;
    }
    String info = proxyConfig.proxyUrl().map(URI::getUserInfo).orElse(null);
    this.proxyBasic = info == null ? null
        : "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8));
    proxyConfig.connectHeaders().forEach((name, specs) -> {
      for (var spec : specs) connectHeaders.add(Map.entry(name, manager.reader(spec)));
    });
  }

  /**
   * Adds the proxy's credentials (from {@code proxy_url}'s user info) and
   * {@code proxy_connect_header} when {@code target} goes through the proxy. The JDK client
   * sends {@code Proxy-*} request headers with its CONNECT request and strips them from the
   * tunnelled request; it drops {@code Proxy-Authorization: Basic} on CONNECT unless the
   * {@code jdk.http.auth.tunneling.disabledSchemes} system property allows Basic.
   */
  void addProxyHeaders(HttpRequest.Builder b, URI target) throws SecretUnavailableException, IOException {
    if (proxy == null || (proxyBasic == null && connectHeaders.isEmpty()) || proxy.proxyFor(target) == null) return;
    if (proxyBasic != null) b.setHeader("Proxy-Authorization", proxyBasic);
    for (var e : connectHeaders) {
      String v = e.getValue().current().reveal();
      if (!SecretsHttpClient.validHeaderValue(v)) {
        throw new IOException("proxy_connect_header " + e.getKey() + " (" + e.getValue().description()
            + "): the value is not a valid HTTP header value (line breaks or control characters)");
      }
      b.header(e.getKey(), v);
    }
  }

  /**
   * The client to send with. For https targets this reads the TLS secrets (memory only) and
   * fails before any network I/O when one is missing or unusable.
   */
  HttpClient client(boolean https) throws SecretUnavailableException, IOException {
    Snapshot s = current;
    if (s != null && (!https || ca == null && cert == null)) return s.client;
    if (!https) {
      synchronized (this) {
        if (current == null) current = new Snapshot(null, null, null, build());
        return current.client;
      }
    }
    Secret c = ca == null ? null : ca.current();
    Secret ce = cert == null ? null : cert.current();
    Secret k = key == null ? null : key.current();
    if (s != null && s.ca == c && s.cert == ce && s.key == k) return s.client;
    synchronized (this) {
      s = current;
      if (s != null && s.ca == c && s.cert == ce && s.key == k) return s.client;
      try {
        if (km != null) km.current();
        if (ca != null) tm.delegate();
      } catch (GeneralSecurityException e) {
        throw new IOException(e.getMessage(), e);
      }
      if (s != null && java.util.Objects.equals(s.ca, c) && java.util.Objects.equals(s.cert, ce)
          && java.util.Objects.equals(s.key, k)) {
        // Refreshed, same values: keep the pool.
        current = new Snapshot(c, ce, k, s.client);
        return s.client;
      }
      HttpClient fresh = build();
      if (s != null && (s.ca != null || s.cert != null)) {
        log.info("TLS material changed (ca={} cert={}): new connections from now on",
            ca == null ? "-" : ca.description(), cert == null ? "-" : cert.description());
      }
      if (s != null) retire(s.client);
      current = new Snapshot(c, ce, k, fresh);
      return fresh;
    }
  }

  private HttpClient build() throws IOException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(km == null ? new KeyManager[0] : new KeyManager[] {km}, new TrustManager[] {tm}, null);
      SSLParameters params = ctx.getDefaultSSLParameters();
      List<String> protocols = new ArrayList<>();
      String min = tls.minVersion().orElse("TLS12");
      String max = tls.maxVersion().orElse("TLS13");
      for (String v : List.of("TLS13", "TLS12", "TLS11", "TLS10")) {
        if (v.compareTo(min) >= 0 && v.compareTo(max) <= 0) protocols.add("TLSv1." + v.charAt(4));
      }
      params.setProtocols(protocols.toArray(new String[0]));
      HttpClient.Builder b = HttpClient.newBuilder()
          .sslContext(ctx)
          .sslParameters(params)
          .followRedirects(HttpClient.Redirect.NEVER)
          .version(http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
          .proxy(proxy != null ? proxy : HttpClient.Builder.NO_PROXY);
      return b.build();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** A replaced client finishes its exchanges; on Java 21+ it is then closed. */
  private static void retire(HttpClient old) {
    if (old instanceof AutoCloseable c) {
      CompletableFuture.runAsync(() -> {
        try {
          c.close();
        } catch (Exception e) {
          log.debug("closing a replaced HTTP client failed: {}", e.toString());
        }
      });
    }
  }

  void close() {
    Snapshot s = current;
    current = null;
    if (s != null) retire(s.client);
  }
}
