package io.remotesecrets.http;

import io.remotesecrets.Secret;
import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.http.HttpClientConfig.Header;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.BiPredicate;

/**
 * A JDK {@link HttpClient} that sends the credentials of an {@link HttpClientConfig}, read from
 * the {@link SecretManager} at each request: a rotated secret is used by the next request,
 * without rebuilding the client. Created by {@link HttpClientConfig#newClient(SecretManager)}.
 *
 * <h2>Per request</h2>
 * <ul>
 *   <li><b>Credentials</b> ({@code basic_auth}, {@code authorization}/{@code bearer_token},
 *       {@code oauth2}, {@code http_headers}, proxy headers) are read from memory; a provider is
 *       never called on the request path once a value exists. An {@code Authorization} header
 *       set by the caller wins, as in Prometheus. Nothing else the caller set ({@code Accept},
 *       {@code Accept-Encoding}, timeout, version, body) is changed.
 *   <li><b>Missing secret.</b> If a secret the request needs has no value yet, the future fails
 *       before any network I/O with {@link SecretUnavailableException}
 *       ("waiting for secret &lt;ref&gt; from provider &lt;name&gt;: &lt;cause&gt;").
 *   <li><b>401 and 403.</b> When the request carried credentials from this config, each
 *       provider-backed secret sent is reported rejected ({@link SecretReader#reportRejected},
 *       rate-limited by the manager), and the request is retried <em>once</em>, only if a
 *       value changed; if none changed but a secret's value before its last rotation is still
 *       kept ({@link SecretReader#previous()}), that value is tried instead (a rotation that
 *       reached the provider before the server) and kept in use while the server accepts it
 *       and the current value stays the rejected one. An OAuth2 token that is rejected is
 *       dropped and fetched again, once. When the retry is rejected too, or no retry is
 *       possible, the future fails with {@link CredentialsRejectedException} naming the status,
 *       URL, fields, providers and refs.
 *   <li><b>Redirects</b> ({@code follow_redirects}, default on) are followed here, at most 10,
 *       as Go's client does (303, and 301/302 after a non-GET, become GET). Credentials and
 *       secret-valued headers are sent only while the target host is the original host or a
 *       subdomain of it; a caller's {@code Authorization} and {@code Cookie} are dropped on a
 *       cross-host hop too.
 * </ul>
 *
 * <h2>TLS material and pooled connections</h2>
 * The client certificate, key and CA are read at each TLS handshake by a key manager and a
 * trust manager. In addition, the first request that sees a changed certificate, key or CA (a
 * memory comparison per https request) switches to a new JDK client — a new connection pool and
 * TLS session cache — so no later request reuses a connection, or resumes a session, set up with
 * the old material. Requests already in flight finish on their connection; the old pool's idle
 * connections are closed when the replaced client is closed (Java 21+, right away) or
 * garbage-collected (Java 17). A refresh that returns the same values keeps the pool.
 *
 * <p>Thread-safe. {@link #close()} refuses further requests and closes the JDK clients on Java
 * 21+ (in-flight exchanges finish first); Java 17's {@code HttpClient} has no close, and its
 * threads end once the closed client is garbage-collected. The secrets stay with the manager,
 * which {@link SecretManager#retainOnly} prunes on reload.
 */
public final class SecretsHttpClient implements AutoCloseable {
  private static final int MAX_REDIRECTS = 10;
  private static final Set<String> SENSITIVE = Set.of("authorization", "www-authenticate", "cookie", "cookie2");
  private static final BiPredicate<String, String> ALL = (n, v) -> true;
  private static final BiPredicate<String, String> NOT_SENSITIVE =
      (n, v) -> !SENSITIVE.contains(n.toLowerCase(Locale.ROOT));

  private final HttpClientConfig config;
  private final Transport transport;
  private final Credential username;
  private final Credential password;
  private final Credential credentials;
  private final String authType;
  private final List<HeaderReaders> headers = new ArrayList<>();
  private final OAuth2Tokens oauth2;
  private final Map<SecretReader, Fallback> fallbacks = new ConcurrentHashMap<>();
  private volatile BasicHeader basicHeader;
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicLong rejections = new java.util.concurrent.atomic.AtomicLong();

  /** A secret-typed field: how errors name it, and its reader. */
  private record Credential(String field, SecretReader reader) {
    String describe() {
      return field + " (" + reader.description() + ")";
    }
  }

  private record HeaderReaders(String name, List<String> values, List<Credential> secrets) {}

  /** A previous value that the server accepted while it rejected {@code rejected}, the current one. */
  private record Fallback(Secret rejected, Secret use) {}

  /** The last Basic header built, for the secrets it was built from (compared by identity). */
  private record BasicHeader(Secret user, Secret pass, String value) {}

  private record Used(Credential credential, Secret value) {}

  /** A request ready to send, and what it carries. */
  private record Prepared(HttpRequest request, List<Used> used, OAuth2Tokens.Token token, boolean injected) {}

  SecretsHttpClient(HttpClientConfig config, SecretManager manager, Clock clock) {
    this.config = config;
    this.transport = new Transport(config.tls(), config.proxy(), config.enableHttp2(), manager);
    var ba = config.basicAuth();
    this.username = ba.flatMap(HttpClientConfig.BasicAuth::username)
        .map(s -> new Credential("basic_auth username", manager.reader(s))).orElse(null);
    this.password = ba.flatMap(HttpClientConfig.BasicAuth::password)
        .map(s -> new Credential("basic_auth password", manager.reader(s))).orElse(null);
    var auth = config.authorization();
    this.authType = auth.map(HttpClientConfig.Authorization::type).orElse(null);
    this.credentials = auth.flatMap(HttpClientConfig.Authorization::credentials)
        .map(s -> new Credential("authorization credentials", manager.reader(s))).orElse(null);
    for (Map.Entry<String, Header> e : config.headers().entrySet()) {
      List<Credential> secrets = new ArrayList<>();
      for (var s : e.getValue().secrets()) secrets.add(new Credential("http_headers " + e.getKey(), manager.reader(s)));
      for (var s : e.getValue().files()) secrets.add(new Credential("http_headers " + e.getKey(), manager.reader(s)));
      headers.add(new HeaderReaders(e.getKey(), e.getValue().values(), secrets));
    }
    this.oauth2 = config.oauth2().map(o -> new OAuth2Tokens(o, manager, clock)).orElse(null);
  }

  /** The configuration this client was built from. */
  public HttpClientConfig config() {
    return config;
  }

  /**
   * Sends {@code request} with the configured credentials; see the class documentation for
   * retries, redirects and failures. The future fails with {@link SecretUnavailableException}
   * when a secret has no value yet, {@link CredentialsRejectedException} when the credentials
   * are refused, or the JDK client's {@link IOException}.
   */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "handler");
    if (closed) return CompletableFuture.failedFuture(new IOException("HTTP client is closed"));
    CompletableFuture<HttpResponse<T>> out = new CompletableFuture<>();
    new Call<>(request, handler, false).attempt().whenComplete((r, e) -> {
      if (e == null) {
        out.complete(r);
      } else {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        out.completeExceptionally(t);
      }
    });
    return out;
  }

  /**
   * Sends {@code request} and waits for the response.
   *
   * @throws SecretUnavailableException if a secret the request needs has no value yet
   * @throws CredentialsRejectedException if the credentials are refused (401/403)
   * @throws IOException if the exchange fails
   */
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException, SecretUnavailableException {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "handler");
    if (closed) throw new IOException("HTTP client is closed");
    // Exchanges run on this thread with the JDK's blocking send, so a call costs no more
    // thread hand-offs than the JDK's own send(); only a pending secret refresh or token
    // request is waited for.
    try {
      return new Call<>(request, handler, true).attempt().get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      while (c instanceof CompletionException && c.getCause() != null) c = c.getCause();
      if (c instanceof InterruptedException ie) throw ie;
      if (c instanceof IOException io) throw io;
      if (c instanceof SecretUnavailableException u) throw u;
      if (c instanceof RuntimeException r) throw r;
      if (c instanceof Error err) throw err;
      throw new IOException(c);
    }
  }

  /** How many 401/403 answers to injected credentials this client has seen (tests). */
  long rejections() {
    return rejections.get();
  }

  @Override
  public void close() {
    closed = true;
    transport.close();
    if (oauth2 != null) oauth2.close();
  }

  @Override
  public String toString() {
    return "SecretsHttpClient{" + config + "}";
  }

  /** One {@link #sendAsync} call: its redirect hops and its single retry. */
  private final class Call<T> {
    private final HttpResponse.BodyHandler<T> handler;
    private final boolean blocking;
    private final String originalHost;
    private HttpRequest base;
    private URI target;
    private boolean trusted = true;
    private int redirects;
    private boolean retried;
    private Map<SecretReader, Secret> overrides = Map.of();

    Call(HttpRequest request, HttpResponse.BodyHandler<T> handler, boolean blocking) {
      this.handler = handler;
      this.blocking = blocking;
      this.base = request;
      this.target = request.uri();
      this.originalHost = hostOf(request.uri());
    }

    CompletableFuture<HttpResponse<T>> attempt() {
      if (oauth2 != null && trusted && base.headers().firstValue("Authorization").isEmpty()) {
        return here(oauth2.token()).thenCompose(this::send);
      }
      return send(null);
    }

    /**
     * For a blocking call, waits for {@code f} on the caller's thread, so that what follows
     * (a blocking exchange) never runs on a secret-fetch or HTTP-client thread.
     */
    private <U> CompletableFuture<U> here(CompletableFuture<U> f) {
      if (!blocking || f.isDone()) return f;
      try {
        return CompletableFuture.completedFuture(f.get());
      } catch (ExecutionException e) {
        return CompletableFuture.failedFuture(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return CompletableFuture.failedFuture(e);
      }
    }

    private CompletableFuture<HttpResponse<T>> send(OAuth2Tokens.Token token) {
      Prepared p;
      HttpClient jdk;
      try {
        p = prepare(base, target, trusted, overrides, token);
        jdk = transport.client("https".equalsIgnoreCase(target.getScheme()));
      } catch (SecretUnavailableException | IOException e) {
        return CompletableFuture.failedFuture(e);
      }
      boolean follow = config.followRedirects();
      HttpResponse.BodyHandler<T> h = info -> {
        int sc = info.statusCode();
        boolean redirect = follow && isRedirect(sc) && info.headers().firstValue("Location").isPresent();
        boolean rejected = p.injected() && (sc == 401 || sc == 403);
        // Bodies of responses we act on are discarded, not decoded with the caller's handler.
        return redirect || rejected ? HttpResponse.BodySubscribers.<T>replacing(null) : handler.apply(info);
      };
      return exchange(jdk, p.request(), h).thenCompose(resp -> handle(resp, p));
    }

    private CompletableFuture<HttpResponse<T>> exchange(HttpClient jdk, HttpRequest req, HttpResponse.BodyHandler<T> h) {
      if (!blocking) return jdk.sendAsync(req, h);
      try {
        return CompletableFuture.completedFuture(jdk.send(req, h));
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return CompletableFuture.failedFuture(e);
      }
    }

    private CompletableFuture<HttpResponse<T>> handle(HttpResponse<T> resp, Prepared p) {
      int sc = resp.statusCode();
      Optional<String> location = resp.headers().firstValue("Location");
      if (config.followRedirects() && isRedirect(sc) && location.isPresent()) return redirect(sc, location.get());
      if (p.injected() && (sc == 401 || sc == 403)) return rejected(resp, p);
      return CompletableFuture.completedFuture(resp);
    }

    private CompletableFuture<HttpResponse<T>> redirect(int sc, String location) {
      if (++redirects > MAX_REDIRECTS) {
        return CompletableFuture.failedFuture(new IOException("stopped after " + MAX_REDIRECTS + " redirects"));
      }
      URI next;
      try {
        next = target.resolve(location);
      } catch (IllegalArgumentException e) {
        return CompletableFuture.failedFuture(new IOException("failed to parse Location header of redirect from " + redacted(target)));
      }
      boolean keep = trusted && isDomainOrSubdomain(hostOf(next), originalHost);
      HttpRequest.Builder b = HttpRequest.newBuilder(base, keep ? ALL : NOT_SENSITIVE).uri(next);
      String method = base.method();
      if ((sc == 301 || sc == 302 || sc == 303) && !method.equals("GET") && !method.equals("HEAD")) {
        b.GET();
      }
      base = b.build();
      target = next;
      trusted = keep;
      overrides = Map.of();
      return attempt();
    }

    private CompletableFuture<HttpResponse<T>> rejected(HttpResponse<T> resp, Prepared p) {
      int sc = resp.statusCode();
      rejections.incrementAndGet();
      if (retried) return CompletableFuture.failedFuture(rejection(sc, p, "rejected again after one retry with a refreshed value"));
      retried = true;
      if (p.token() != null) {
        oauth2.invalidate(p.token());
        return here(oauth2.token()).thenCompose(t -> t.value().equals(p.token().value())
            ? CompletableFuture.failedFuture(rejection(sc, p, "the token endpoint returned the same token"))
            : send(t));
      }
      List<Used> refreshable = new ArrayList<>();
      for (Used u : p.used()) if (!u.credential().reader().isConstant()) refreshable.add(u);
      if (refreshable.isEmpty()) {
        return CompletableFuture.failedFuture(rejection(sc, p, "the credentials are written in the configuration"));
      }
      List<CompletableFuture<Secret>> refreshed = new ArrayList<>();
      for (Used u : refreshable) refreshed.add(u.credential().reader().reportRejected(u.value()));
      return here(CompletableFuture.allOf(refreshed.toArray(new CompletableFuture<?>[0]))).thenCompose(ignored -> {
        Map<SecretReader, Secret> next = new HashMap<>();
        for (int i = 0; i < refreshable.size(); i++) {
          Secret now = refreshed.get(i).join();
          if (!now.equals(refreshable.get(i).value())) next.put(refreshable.get(i).credential().reader(), now);
        }
        Map<SecretReader, Fallback> tryPrevious = new HashMap<>();
        if (next.isEmpty()) {
          for (Used u : refreshable) {
            SecretReader r = u.credential().reader();
            Optional<Secret> prev = r.previous();
            if (prev.isPresent() && !prev.get().equals(u.value())) {
              next.put(r, prev.get());
              tryPrevious.put(r, new Fallback(u.value(), prev.get()));
            }
          }
        }
        if (next.isEmpty()) {
          return CompletableFuture.<HttpResponse<T>>failedFuture(
              rejection(sc, p, "a refresh from the provider returned the same value"));
        }
        overrides = next;
        return attempt().thenApply(r -> {
          // The server accepted these values: a previous value keeps being used while the
          // current one is the rejected one; a changed current value ends any fallback.
          for (SecretReader reader : next.keySet()) {
            Fallback f = tryPrevious.get(reader);
            if (f != null) fallbacks.put(reader, f);
            else fallbacks.remove(reader);
          }
          return r;
        });
      });
    }

    private CredentialsRejectedException rejection(int sc, Prepared p, String why) {
      List<String> sent = new ArrayList<>();
      for (Used u : p.used()) {
        String d = u.credential().describe();
        if (!sent.contains(d)) sent.add(d);
      }
      if (p.token() != null) sent.add(oauth2.description());
      return new CredentialsRejectedException(sc, target, "HTTP " + sc + " from " + redacted(target)
          + ": credentials rejected: " + String.join(", ", sent) + "; " + why);
    }
  }

  /** Builds the request to send: the caller's request plus credentials and headers. */
  private Prepared prepare(HttpRequest base, URI target, boolean trusted, Map<SecretReader, Secret> overrides,
      OAuth2Tokens.Token token) throws SecretUnavailableException, IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(base, ALL);
    if (!target.equals(base.uri())) b.uri(target);
    // enable_http2 is about TLS (ALPN), as in Go: no h2c upgrade offers to plain-HTTP targets.
    if (base.version().isEmpty() && "http".equalsIgnoreCase(target.getScheme())) b.version(HttpClient.Version.HTTP_1_1);
    List<Used> used = new ArrayList<>(2);
    boolean injected = false;
    if (trusted && base.headers().firstValue("Authorization").isEmpty()) {
      if (username != null || password != null) {
        Secret u = value(username, overrides, used);
        Secret pw = value(password, overrides, used);
        b.setHeader("Authorization", basic(u, pw));
        injected = true;
      } else if (authType != null) {
        Secret c = value(credentials, overrides, used);
        b.setHeader("Authorization", checked(authType + " " + (c == null ? "" : c.reveal()), credentials));
        injected = true;
      } else if (token != null) {
        if (!validHeaderValue(token.header())) {
          throw new IOException(oauth2.description() + ": the token is not a valid HTTP header value");
        }
        b.setHeader("Authorization", token.header());
        injected = true;
      }
    }
    for (HeaderReaders h : headers) {
      for (String v : h.values()) b.header(h.name(), v);
      if (!trusted) continue;
      for (Credential c : h.secrets()) {
        b.header(h.name(), checked(value(c, overrides, used).reveal(), c));
        injected = true;
      }
    }
    transport.addProxyHeaders(b, target);
    return new Prepared(b.build(), used, token, injected);
  }

  /**
   * The JDK rejects a bad header value with a message that quotes it; a secret must be checked
   * first and reported by its source.
   */
  private static String checked(String value, Credential c) throws IOException {
    if (validHeaderValue(value)) return value;
    throw new IOException((c == null ? "authorization type" : c.describe())
        + ": the value is not a valid HTTP header value (line breaks or control characters)");
  }

  /** RFC 9110 field-value characters, as the JDK client checks them. */
  static boolean validHeaderValue(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c > 0xFF || (c < 0x20 && c != '\t') || c == 0x7F) return false;
    }
    return true;
  }

  private Secret value(Credential c, Map<SecretReader, Secret> overrides, List<Used> used)
      throws SecretUnavailableException {
    if (c == null) return null;
    SecretReader r = c.reader();
    Secret v = overrides.isEmpty() ? null : overrides.get(r);
    if (v == null) {
      v = r.current();
      if (!fallbacks.isEmpty()) {
        Fallback f = fallbacks.get(r);
        if (f != null) {
          if (f.rejected().equals(v) && r.previous().map(f.use()::equals).orElse(false)) {
            v = f.use();
          } else {
            fallbacks.remove(r, f);
          }
        }
      }
    }
    used.add(new Used(c, v));
    return v;
  }

  private String basic(Secret user, Secret pass) {
    BasicHeader h = basicHeader;
    if (h != null && h.user == user && h.pass == pass) return h.value;
    String raw = (user == null ? "" : user.reveal()) + ":" + (pass == null ? "" : pass.reveal());
    String value = "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    basicHeader = new BasicHeader(user, pass, value);
    return value;
  }

  private static boolean isRedirect(int sc) {
    return sc == 301 || sc == 302 || sc == 303 || sc == 307 || sc == 308;
  }

  private static String hostOf(URI u) {
    String h = u.getHost();
    return h == null ? "" : h.toLowerCase(Locale.ROOT);
  }

  /** Go's {@code isDomainOrSubdomain(sub, parent)}. */
  static boolean isDomainOrSubdomain(String sub, String parent) {
    if (sub.equals(parent)) return true;
    if (sub.contains(":") || sub.matches("[0-9.]+")) return false;
    return sub.endsWith("." + parent);
  }

  private static String redacted(URI u) {
    if (u.getRawUserInfo() == null) return u.toString();
    try {
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), null).toString();
    } catch (java.net.URISyntaxException e) {
      return u.getScheme() + "://" + u.getHost();
    }
  }
}
