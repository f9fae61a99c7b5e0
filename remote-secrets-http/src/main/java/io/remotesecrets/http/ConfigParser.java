package io.remotesecrets.http;

import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.http.HttpClientConfig.Authorization;
import io.remotesecrets.http.HttpClientConfig.BasicAuth;
import io.remotesecrets.http.HttpClientConfig.Header;
import io.remotesecrets.http.HttpClientConfig.OAuth2;
import io.remotesecrets.http.HttpClientConfig.ProxyConfig;
import io.remotesecrets.http.HttpClientConfig.TlsConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates http client settings with prometheus/common's rules ({@code
 * config/http_config.go}, {@code config/headers.go}). Messages are Prometheus's, including where
 * its wording lags behind its checks ("at most one of key and key_file").
 *
 * <p>Every key of a section is marked read before the section is validated, so that a
 * validation error is not followed by spurious "unknown field" errors for keys never reached.
 */
final class ConfigParser {
  static final Set<String> TLS_VERSIONS = Set.of("TLS10", "TLS11", "TLS12", "TLS13");

  /** prometheus/common's reservedHeaders, canonical form. */
  static final Set<String> RESERVED_HEADERS = Set.of("Authorization", "Host", "Content-Encoding",
      "Content-Length", "Content-Type", "User-Agent", "Connection", "Keep-Alive", "Proxy-Authenticate",
      "Proxy-Authorization", "Www-Authenticate", "Accept-Encoding", "X-Prometheus-Remote-Write-Version",
      "X-Prometheus-Remote-Read-Version", "X-Prometheus-Scrape-Timeout-Seconds", "X-Amz-Date",
      "X-Amz-Security-Token", "X-Amz-Content-Sha256");

  private static final List<String> BEARER = List.of("bearer_token", "bearer_token_file", "bearer_token_ref");
  private static final List<String> SINGLE_KEYS = List.of("basic_auth", "authorization", "oauth2", "tls_config",
      "follow_redirects", "enable_http2", "proxy_url", "no_proxy", "proxy_from_environment",
      "proxy_connect_header", "http_headers");

  private final ConfigContext ctx;

  ConfigParser(ConfigContext ctx) {
    this.ctx = ctx;
  }

  HttpClientConfig parseHttp(ConfigMap owner) {
    ConfigMap nested = owner.get("http_config").map(ConfigNode::asMap).orElse(null);
    for (String k : SINGLE_KEYS) where(owner, nested, List.of(k));
    ConfigMap bearerMap = where(owner, nested, BEARER);

    Optional<BasicAuth> basicAuth = node(owner, nested, "basic_auth").map(n -> basicAuth(n.asMap()));
    Optional<ConfigNode> authNode = node(owner, nested, "authorization");
    Optional<ConfigNode> oauthNode = node(owner, nested, "oauth2");
    TlsConfig tls = node(owner, nested, "tls_config").map(n -> tls(n.asMap())).orElse(TlsConfig.NONE);
    boolean follow = node(owner, nested, "follow_redirects").map(ConfigNode::asBoolean).orElse(true);
    boolean http2 = node(owner, nested, "enable_http2").map(ConfigNode::asBoolean).orElse(true);
    Map<String, Header> headers = node(owner, nested, "http_headers").map(this::headers).orElse(Map.of());

    ConfigNode at = bearerMap != null ? bearerMap.node() : owner.node();
    Optional<SecretSpec> bearer = Optional.empty();
    if (bearerMap != null) {
      boolean value = bearerMap.has("bearer_token");
      boolean file = bearerMap.has("bearer_token_file");
      if (value && file && !bearerMap.has("bearer_token_ref")) {
        bearerMap.get("bearer_token");
        bearerMap.get("bearer_token_file");
        throw at.error("at most one of bearer_token & bearer_token_file must be configured");
      }
      bearer = ctx.secret(bearerMap, "", "bearer_token");
    }

    ProxyConfig proxy = proxy(owner, nested);

    Optional<Authorization> authorization = Optional.empty();
    ConfigNode httpAt = nested != null ? nested.node() : owner.node();
    if ((basicAuth.isPresent() || oauthNode.isPresent()) && bearer.isPresent()) {
      throw httpAt.error("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
    }
    if (authNode.isPresent()) {
      ConfigMap a = authNode.get().asMap();
      touch(a, "type", "credentials", "credentials_file", "credentials_ref");
      if (bearer.isPresent()) {
        throw httpAt.error("authorization is not compatible with bearer_token & bearer_token_file");
      }
      if (count(a, "credentials") > 1) {
        throw a.node().error("at most one of authorization credentials & credentials_file must be configured");
      }
      Optional<SecretSpec> credentials = ctx.secret(a, "authorization ", "credentials");
      String type = a.string("type", "").strip();
      if (type.isEmpty()) type = "Bearer";
      if (type.toLowerCase(Locale.ROOT).equals("basic")) {
        throw a.node().error("authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
      }
      if (basicAuth.isPresent() || oauthNode.isPresent()) {
        throw httpAt.error("at most one of basic_auth, oauth2 & authorization must be configured");
      }
      authorization = Optional.of(new Authorization(type, credentials));
    } else if (bearer.isPresent()) {
      authorization = Optional.of(new Authorization("Bearer", bearer));
    }

    Optional<OAuth2> oauth2 = Optional.empty();
    if (oauthNode.isPresent()) {
      if (basicAuth.isPresent()) {
        throw httpAt.error("at most one of basic_auth, oauth2 & authorization must be configured");
      }
      oauth2 = Optional.of(oauth2(oauthNode.get().asMap()));
    }
    return new HttpClientConfig(basicAuth, authorization, oauth2, tls, proxy, follow, http2, headers);
  }

  private BasicAuth basicAuth(ConfigMap m) {
    touch(m, "username", "username_file", "username_ref", "password", "password_file", "password_ref");
    Optional<SecretSpec> user = ctx.secret(m, "basic_auth ", "username");
    Optional<SecretSpec> pass = ctx.secret(m, "basic_auth ", "password");
    return new BasicAuth(user, pass);
  }

  private OAuth2 oauth2(ConfigMap m) {
    touch(m, "client_id", "client_secret", "client_secret_file", "client_secret_ref", "scopes", "token_url",
        "endpoint_params", "tls_config", "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header");
    String clientId = m.string("client_id", "");
    String tokenUrl = m.string("token_url", "");
    List<String> scopes = m.strings("scopes");
    Map<String, String> params = m.stringMap("endpoint_params");
    TlsConfig tls = m.get("tls_config").map(n -> tls(n.asMap())).orElse(TlsConfig.NONE);
    ProxyConfig proxy = proxy(m, null);
    if (clientId.isEmpty()) throw m.node().error("oauth2 client_id must be configured");
    if (tokenUrl.isEmpty()) throw m.node().error("oauth2 token_url must be configured");
    Optional<SecretSpec> secret = ctx.secret(m, "oauth2 ", "client_secret");
    return new OAuth2(clientId, secret, scopes, url(m.get("token_url").get()), params, tls, proxy);
  }

  TlsConfig tls(ConfigMap m) {
    touch(m, "ca", "ca_file", "ca_ref", "cert", "cert_file", "cert_ref", "key", "key_file", "key_ref",
        "server_name", "insecure_skip_verify", "min_version", "max_version");
    Optional<String> min = version(m, "min_version");
    Optional<String> max = version(m, "max_version");
    if (count(m, "key") > 1) throw m.node().error("at most one of key and key_file must be configured");
    Optional<SecretSpec> ca = ctx.secret(m, "", "ca");
    Optional<SecretSpec> cert = ctx.secret(m, "", "cert");
    Optional<SecretSpec> key = ctx.secret(m, "", "key");
    if (cert.isPresent() && key.isEmpty()) {
      throw m.node().error("exactly one of key or key_file must be configured when a client certificate is configured");
    }
    if (key.isPresent() && cert.isEmpty()) {
      throw m.node().error("exactly one of cert or cert_file must be configured when a client key is configured");
    }
    if (min.isPresent() && max.isPresent() && max.get().compareTo(min.get()) < 0) {
      throw m.node().error(
          "tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified");
    }
    Optional<String> serverName = m.string("server_name").filter(s -> !s.isEmpty());
    boolean insecure = m.bool("insecure_skip_verify", false);
    return new TlsConfig(ca, cert, key, serverName, insecure, min, max);
  }

  private static Optional<String> version(ConfigMap m, String key) {
    Optional<ConfigNode> n = m.get(key);
    if (n.isEmpty()) return Optional.empty();
    String v = n.get().asString();
    if (!TLS_VERSIONS.contains(v)) throw n.get().error("unknown TLS version: " + v);
    return Optional.of(v);
  }

  /** Proxy fields of {@code owner} (and of {@code nested}, the http_config mapping, if any). */
  private ProxyConfig proxy(ConfigMap owner, ConfigMap nested) {
    Optional<ConfigNode> urlNode = node(owner, nested, "proxy_url");
    Optional<URI> url = urlNode.map(n -> n.asString().isEmpty() ? null : url(n));
    // A proxy password written in the URL is a secret: config dumps print <secret> for it.
    if (url.isPresent() && url.get().getRawUserInfo() != null) urlNode.get().markSecret();
    Optional<String> noProxy = node(owner, nested, "no_proxy").map(ConfigNode::asString).filter(s -> !s.isEmpty());
    boolean fromEnv = node(owner, nested, "proxy_from_environment").map(ConfigNode::asBoolean).orElse(false);
    Map<String, List<SecretSpec>> connect = new LinkedHashMap<>();
    Optional<ConfigNode> connectNode = node(owner, nested, "proxy_connect_header");
    if (connectNode.isPresent()) {
      ConfigMap h = connectNode.get().asMap();
      h.readAll();
      for (String name : h.keys()) {
        if (!canonicalHeader(name).startsWith("Proxy-")) {
          throw h.get(name).orElseGet(h::node).error("proxy_connect_header \"" + name
              + "\" cannot be sent: the JDK HTTP client sends only Proxy-* headers with CONNECT");
        }
        List<SecretSpec> values = new ArrayList<>();
        for (ConfigNode v : h.list(name)) values.add(ctx.secretValue(v));
        connect.put(name, values);
      }
    }
    ConfigNode at = nested != null ? nested.node() : owner.node();
    if (!connect.isEmpty() && !fromEnv && url.isEmpty()) {
      throw at.error("if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured");
    }
    if (fromEnv && url.isPresent()) {
      throw at.error("if proxy_from_environment is configured, proxy_url must not be configured");
    }
    if (fromEnv && noProxy.isPresent()) {
      throw at.error("if proxy_from_environment is configured, no_proxy must not be configured");
    }
    if (url.isEmpty() && noProxy.isPresent()) {
      throw at.error("if no_proxy is configured, proxy_url must also be configured");
    }
    if (url.isPresent() && !"http".equalsIgnoreCase(url.get().getScheme())) {
      // The JDK client speaks only plain HTTP to proxies (CONNECT for https targets).
      throw urlNode.get().error("unsupported proxy scheme \"" + url.get().getScheme()
          + "\": the JDK HTTP client supports only http:// proxies");
    }
    return new ProxyConfig(url, noProxy, fromEnv, connect);
  }

  private Map<String, Header> headers(ConfigNode node) {
    ConfigMap m = node.asMap();
    m.readAll();
    Map<String, Header> out = new LinkedHashMap<>();
    for (String name : m.keys()) {
      ConfigMap h = m.get(name).map(ConfigNode::asMap).orElseGet(() -> m.map(name));
      touch(h, "values", "secrets", "files");
      List<String> values = h.strings("values");
      List<SecretSpec> secrets = new ArrayList<>();
      for (ConfigNode s : h.list("secrets")) secrets.add(ctx.secretValue(s));
      List<SecretSpec> files = new ArrayList<>();
      for (ConfigNode f : h.list("files")) {
        if (f.asString().isEmpty()) throw f.error("file path must not be empty");
        files.add(ctx.fileSecret(f));
      }
      String canonical = canonicalHeader(name);
      if (RESERVED_HEADERS.contains(canonical)) {
        throw m.node().error("setting header \"" + canonical + "\" is not allowed");
      }
      if (canonical.equals("Expect") || canonical.equals("Upgrade")) {
        throw m.node().error("setting header \"" + canonical + "\" is not allowed by the JDK HTTP client");
      }
      if (!isToken(name)) throw m.node().error("invalid header name \"" + name + "\"");
      for (String v : values) {
        if (!SecretsHttpClient.validHeaderValue(v)) {
          throw m.node().error("invalid value for header \"" + canonical + "\": line breaks and control characters are not allowed");
        }
      }
      out.put(name, new Header(values, secrets, files));
    }
    return out;
  }

  static boolean isToken(String name) {
    if (name.isEmpty()) return false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c == '-' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\''
          || c == '*' || c == '+' || c == '.' || c == '^' || c == '_' || c == '`' || c == '|' || c == '~'
          || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!ok) return false;
    }
    return true;
  }

  /** Go's http.CanonicalHeaderKey: first letter and letters after '-' upper case, others lower. */
  static String canonicalHeader(String name) {
    if (!isToken(name)) return name;
    StringBuilder b = new StringBuilder(name.length());
    boolean upper = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      b.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
      upper = c == '-';
    }
    return b.toString();
  }

  private static URI url(ConfigNode n) {
    String s = n.asString();
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      throw n.error("invalid URL: " + e.getReason());
    }
  }

  /** How many of {@code field}, {@code field_file}, {@code field_ref} are set; marks nothing read. */
  private static int count(ConfigMap m, String field) {
    return (m.has(field) ? 1 : 0) + (m.has(field + "_file") ? 1 : 0) + (m.has(field + "_ref") ? 1 : 0);
  }

  private static void touch(ConfigMap m, String... keys) {
    for (String k : keys) m.get(k);
  }

  /**
   * The mapping that holds the keys of one family: {@code owner} or {@code nested}; null when
   * neither does. Setting a family in both is an error naming the field.
   */
  private static ConfigMap where(ConfigMap owner, ConfigMap nested, List<String> family) {
    String inOwner = null;
    String inNested = null;
    for (String k : family) {
      if (owner.has(k) && inOwner == null) inOwner = k;
      if (nested != null && nested.has(k) && inNested == null) inNested = k;
    }
    for (String k : family) {
      owner.get(k);
      if (nested != null) nested.get(k);
    }
    if (inOwner != null && inNested != null) {
      ConfigNode first = owner.get(inOwner).orElseThrow();
      throw nested.get(inNested).orElseThrow().error(inNested + " is set both under http_config and in the enclosing "
          + "mapping (" + inOwner + " at line " + first.line() + "); set it in one place");
    }
    return inOwner != null ? owner : inNested != null ? nested : null;
  }

  private static Optional<ConfigNode> node(ConfigMap owner, ConfigMap nested, String key) {
    Optional<ConfigNode> n = owner.get(key);
    if (n.isPresent() || nested == null) return n;
    return nested.get(key);
  }
}
