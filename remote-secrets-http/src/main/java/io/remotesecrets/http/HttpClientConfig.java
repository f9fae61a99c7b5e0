package io.remotesecrets.http;

import io.remotesecrets.SecretManager;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.SecretSpec;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP client settings of one scrape config, remote_write entry or alertmanager config:
 * the fields of prometheus/common's {@code http_config} (basic_auth, authorization,
 * bearer_token, oauth2, tls_config, proxy settings, http_headers, follow_redirects,
 * enable_http2), with every secret-typed field also taking a {@code _ref} and the provider map
 * form.
 *
 * <p>Read with {@link #parse}, which validates as prometheus/common's {@code Validate()} does,
 * with its wording. Immutable, with value equality (a reload keeps a client whose config is
 * equal). {@link #toString()} never prints a secret: secret fields print where the value comes
 * from, and a proxy URL's password is masked.
 */
public final class HttpClientConfig {
  /** Prometheus's defaults: no credentials, follow redirects, HTTP/2 allowed. */
  public static final HttpClientConfig DEFAULT = new HttpClientConfig(Optional.empty(), Optional.empty(),
      Optional.empty(), TlsConfig.NONE, ProxyConfig.NONE, true, true, Map.of());

  /** {@code basic_auth}; an absent username or password is sent as empty, as in Prometheus. */
  public record BasicAuth(Optional<SecretSpec> username, Optional<SecretSpec> password) {}

  /**
   * {@code authorization} (also what {@code bearer_token} and {@code bearer_token_file} become):
   * the header is {@code <type> <credentials>}.
   */
  public record Authorization(String type, Optional<SecretSpec> credentials) {}

  /** {@code oauth2}: the client_credentials grant, with its own TLS and proxy settings. */
  public record OAuth2(String clientId, Optional<SecretSpec> clientSecret, List<String> scopes, URI tokenUrl,
      Map<String, String> endpointParams, TlsConfig tls, ProxyConfig proxy) {
    public OAuth2 {
      scopes = List.copyOf(scopes);
      endpointParams = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(endpointParams));
    }
  }

  /**
   * {@code tls_config}. {@code minVersion}/{@code maxVersion} are Prometheus names
   * ({@code TLS12}); without them TLS 1.2 and 1.3 are offered, as Go does. {@code serverName}
   * replaces the URL's host when the server certificate is verified; unlike Go, the JDK client
   * still sends the URL's host (not {@code serverName}) as SNI.
   */
  public record TlsConfig(Optional<SecretSpec> ca, Optional<SecretSpec> cert, Optional<SecretSpec> key,
      Optional<String> serverName, boolean insecureSkipVerify, Optional<String> minVersion,
      Optional<String> maxVersion) {
    /** No TLS settings: the platform's trust store, no client certificate. */
    public static final TlsConfig NONE = new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), false, Optional.empty(), Optional.empty());
  }

  /** {@code proxy_url}, {@code no_proxy}, {@code proxy_from_environment}, {@code proxy_connect_header}. */
  public record ProxyConfig(Optional<URI> proxyUrl, Optional<String> noProxy, boolean fromEnvironment,
      Map<String, List<SecretSpec>> connectHeaders) {
    public static final ProxyConfig NONE = new ProxyConfig(Optional.empty(), Optional.empty(), false, Map.of());

    public ProxyConfig {
      Map<String, List<SecretSpec>> copy = new LinkedHashMap<>();
      connectHeaders.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      connectHeaders = java.util.Collections.unmodifiableMap(copy);
    }

    @Override
    public String toString() {
      return "ProxyConfig[proxyUrl=" + proxyUrl.map(HttpClientConfig::redacted) + ", noProxy=" + noProxy
          + ", fromEnvironment=" + fromEnvironment + ", connectHeaders=" + connectHeaders + "]";
    }
  }

  /** One entry of {@code http_headers}: every value is added, in this order. */
  public record Header(List<String> values, List<SecretSpec> secrets, List<SecretSpec> files) {
    public Header {
      values = List.copyOf(values);
      secrets = List.copyOf(secrets);
      files = List.copyOf(files);
    }
  }

  private final Optional<BasicAuth> basicAuth;
  private final Optional<Authorization> authorization;
  private final Optional<OAuth2> oauth2;
  private final TlsConfig tls;
  private final ProxyConfig proxy;
  private final boolean followRedirects;
  private final boolean enableHttp2;
  private final Map<String, Header> headers;

  HttpClientConfig(Optional<BasicAuth> basicAuth, Optional<Authorization> authorization, Optional<OAuth2> oauth2,
      TlsConfig tls, ProxyConfig proxy, boolean followRedirects, boolean enableHttp2, Map<String, Header> headers) {
    this.basicAuth = basicAuth;
    this.authorization = authorization;
    this.oauth2 = oauth2;
    this.tls = tls;
    this.proxy = proxy;
    this.followRedirects = followRedirects;
    this.enableHttp2 = enableHttp2;
    this.headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /**
   * Reads the HTTP client fields of {@code owner}: those written in {@code owner} itself
   * (Prometheus's form: a scrape config holding {@code basic_auth}, {@code tls_config}, ...)
   * and those under its optional {@code http_config} mapping (the first-draft proposal's
   * form). A field set in both places is an error. Only the keys this config owns are marked
   * read; the caller reads the others.
   *
   * @throws io.remotesecrets.config.ConfigException at the first problem, after recording it
   *     in the document with file, line and field path
   */
  public static HttpClientConfig parse(ConfigMap owner, ConfigContext ctx) {
    return new ConfigParser(ctx).parseHttp(owner);
  }

  /**
   * A client that injects these credentials into every request, reading each secret from
   * {@code manager} at the time of the request. Creating it registers every secret with the
   * manager (starting their first fetch) and never blocks.
   */
  public SecretsHttpClient newClient(SecretManager manager) {
    return new SecretsHttpClient(this, manager, Clock.systemUTC());
  }

  /** A client on a given clock (OAuth2 token expiry); for tests. */
  SecretsHttpClient newClient(SecretManager manager, Clock clock) {
    return new SecretsHttpClient(this, manager, clock);
  }

  public Optional<BasicAuth> basicAuth() {
    return basicAuth;
  }

  public Optional<Authorization> authorization() {
    return authorization;
  }

  public Optional<OAuth2> oauth2() {
    return oauth2;
  }

  public TlsConfig tls() {
    return tls;
  }

  public ProxyConfig proxy() {
    return proxy;
  }

  public boolean followRedirects() {
    return followRedirects;
  }

  public boolean enableHttp2() {
    return enableHttp2;
  }

  /** {@code http_headers}, by header name as written. */
  public Map<String, Header> headers() {
    return headers;
  }

  /** Every secret this config reads, for {@link SecretManager#retainOnly} on reload. */
  public List<SecretSpec> secretSpecs() {
    List<SecretSpec> out = new ArrayList<>();
    basicAuth.ifPresent(b -> {
      b.username().ifPresent(out::add);
      b.password().ifPresent(out::add);
    });
    authorization.flatMap(Authorization::credentials).ifPresent(out::add);
    oauth2.ifPresent(o -> {
      o.clientSecret().ifPresent(out::add);
      addTls(out, o.tls());
      o.proxy().connectHeaders().values().forEach(out::addAll);
    });
    addTls(out, tls);
    proxy.connectHeaders().values().forEach(out::addAll);
    headers.values().forEach(h -> {
      out.addAll(h.secrets());
      out.addAll(h.files());
    });
    return out;
  }

  private static void addTls(List<SecretSpec> out, TlsConfig t) {
    t.ca().ifPresent(out::add);
    t.cert().ifPresent(out::add);
    t.key().ifPresent(out::add);
  }

  static String redacted(URI u) {
    return io.remotesecrets.config.Urls.redact(u.toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HttpClientConfig c && basicAuth.equals(c.basicAuth) && authorization.equals(c.authorization)
        && oauth2.equals(c.oauth2) && tls.equals(c.tls) && proxy.equals(c.proxy)
        && followRedirects == c.followRedirects && enableHttp2 == c.enableHttp2 && headers.equals(c.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(basicAuth, authorization, oauth2, tls, proxy, followRedirects, enableHttp2, headers);
  }

  /** Secret fields print their source ({@code inline} values as {@code <secret>}), never a value. */
  @Override
  public String toString() {
    return "HttpClientConfig[basicAuth=" + basicAuth + ", authorization=" + authorization + ", oauth2=" + oauth2
        + ", tls=" + tls + ", proxy=" + proxy + ", followRedirects=" + followRedirects
        + ", enableHttp2=" + enableHttp2 + ", headers=" + headers + "]";
  }
}
