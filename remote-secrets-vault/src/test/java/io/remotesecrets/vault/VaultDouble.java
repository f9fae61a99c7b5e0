package io.remotesecrets.vault;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * A double of HashiCorp Vault's HTTP API as documented for <b>Vault 1.15</b>
 * (developer.hashicorp.com/vault/api-docs, v1.15.x): the endpoints the provider uses, with the
 * status codes and JSON shapes Vault 1.15 answers with.
 *
 * <ul>
 *   <li>KV version 2 read: {@code GET /v1/<mount>/data/<path>} → {@code {"data":{"data":{...},
 *       "metadata":{...,"version":n}},"lease_duration":0}}; 404 {@code {"errors":[]}}; a deleted
 *       latest version → 404 with {@code metadata.deletion_time} set. A v1-style path on a v2
 *       mount → 404 with the "Invalid path for a versioned K/V secrets engine" warning.
 *   <li>KV version 1 read: {@code GET /v1/<mount>/<path>} → {@code {"data":{...},
 *       "lease_duration":<ttl field or 2764800>}}.
 *   <li>{@code GET /v1/auth/token/lookup-self}, {@code POST /v1/auth/token/renew-self}
 *       (capped at the token's max TTL; 400 "lease is not renewable").
 *   <li>{@code POST /v1/auth/<mount>/login} for AppRole ({@code role_id}, {@code secret_id};
 *       400 "invalid role or secret ID") and Kubernetes ({@code role}, {@code jwt}; the double
 *       compares the JWT with the configured one instead of calling a TokenReview; 403
 *       "permission denied").
 *   <li>Namespaces: {@code X-Vault-Namespace} selects the namespace; tokens, mounts and roles
 *       belong to one.
 *   <li>Missing, expired or revoked tokens and policy denials: 403 {@code {"errors":["permission
 *       denied"]}}. Sealed: every endpoint 503 {@code {"errors":["Vault is sealed"]}}.
 * </ul>
 *
 * Time comes from the test's clock, so token TTLs run on fake time.
 */
final class VaultDouble implements AutoCloseable {
  static final long KV1_DEFAULT_LEASE = 2764800;

  private final Clock clock;
  private final HttpServer server;
  private final String address;
  private final SecureRandom random = new SecureRandom();

  // Guarded by this.
  private final Map<String, Integer> kvMounts = new HashMap<>();
  private final Map<String, List<Map<String, Object>>> kv2 = new HashMap<>();
  private final Map<String, Boolean> kv2Deleted = new HashMap<>();
  private final Map<String, Map<String, Object>> kv1 = new HashMap<>();
  private final Map<String, Set<String>> policies = new HashMap<>();
  private final Map<String, TokenState> tokens = new HashMap<>();
  private final Map<String, Role> appRoles = new HashMap<>();
  private final Map<String, Role> kubeRoles = new HashMap<>();
  private final List<String> requests = new ArrayList<>();
  private boolean sealed;
  private boolean echo;

  /** How tokens issued by a login behave. */
  record TokenSpec(String policy, Duration ttl, Duration maxTtl, boolean renewable) {}

  private record Role(String namespace, String credential, TokenSpec spec) {}

  private static final class TokenState {
    final String namespace;
    final String policy;
    final Instant issued;
    final Duration maxTtl;
    final boolean renewable;
    final Duration creationTtl;
    Instant expires;
    boolean revoked;

    TokenState(String namespace, TokenSpec spec, Instant now) {
      this.namespace = namespace;
      this.policy = spec.policy();
      this.issued = now;
      this.maxTtl = spec.maxTtl();
      this.renewable = spec.renewable();
      this.creationTtl = spec.ttl();
      this.expires = spec.ttl().isZero() ? null : now.plus(spec.ttl());
    }

    boolean valid(Instant now) {
      return !revoked && (expires == null || now.isBefore(expires));
    }
  }

  static {
    // Headers and body go out in two writes; without TCP_NODELAY each exchange waits ~40 ms
    // for a delayed ACK. Read once, when the JDK's server classes initialise.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  VaultDouble(Clock clock) throws IOException {
    this(clock, null);
  }

  VaultDouble(Clock clock, SSLContext tls) throws IOException {
    this.clock = clock;
    InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      server = HttpServer.create(bind, 0);
    } else {
      HttpsServer s = HttpsServer.create(bind, 0);
      s.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = s;
    }
    server.createContext("/", this::handle);
    server.start();
    address = (tls == null ? "http" : "https") + "://127.0.0.1:" + server.getAddress().getPort();
  }

  String address() {
    return address;
  }

  // ---- set-up, as an operator would with the vault CLI ----

  synchronized VaultDouble mount(String namespace, String mount, int version) {
    kvMounts.put(namespace + "|" + mount, version);
    return this;
  }

  /** {@code vault kv put}: a new version on a v2 mount, or the value on a v1 mount. */
  synchronized VaultDouble put(String namespace, String mount, String path, Map<String, Object> data) {
    String key = namespace + "|" + mount + "|" + path;
    Integer v = kvMounts.get(namespace + "|" + mount);
    if (v == null) throw new IllegalStateException("no mount " + mount);
    if (v == 2) {
      kv2.computeIfAbsent(key, k -> new ArrayList<>()).add(new LinkedHashMap<>(data));
      kv2Deleted.remove(key);
    } else {
      kv1.put(key, new LinkedHashMap<>(data));
    }
    return this;
  }

  /** {@code vault kv delete}: soft-deletes the latest version. */
  synchronized void deleteLatest(String namespace, String mount, String path) {
    kv2Deleted.put(namespace + "|" + mount + "|" + path, true);
  }

  /** A policy allowing reads of API paths: exact, or a prefix ending in {@code *}. */
  synchronized VaultDouble policy(String name, String... paths) {
    policies.put(name, Set.of(paths));
    return this;
  }

  synchronized String token(String namespace, TokenSpec spec) {
    String t = "hvs." + HexFormat.of().formatHex(random.generateSeed(12));
    tokens.put(t, new TokenState(namespace, spec, clock.instant()));
    return t;
  }

  /** Registers a token value chosen by the test (a canary). */
  synchronized void token(String namespace, String value, TokenSpec spec) {
    tokens.put(value, new TokenState(namespace, spec, clock.instant()));
  }

  synchronized void revoke(String token) {
    TokenState s = tokens.get(token);
    if (s != null) s.revoked = true;
  }

  synchronized void revokeAll() {
    tokens.values().forEach(s -> s.revoked = true);
  }

  synchronized VaultDouble appRole(String namespace, String mount, String roleId, String secretId, TokenSpec spec) {
    appRoles.put(namespace + "|" + mount + "|" + roleId, new Role(namespace, secretId, spec));
    return this;
  }

  synchronized VaultDouble kubernetesRole(String namespace, String mount, String role, String jwt, TokenSpec spec) {
    kubeRoles.put(namespace + "|" + mount + "|" + role, new Role(namespace, jwt, spec));
    return this;
  }

  /**
   * Makes errors quote the credentials they reject, as a misbehaving plugin or proxy might;
   * Vault itself does not. For the canary test of the provider's redaction.
   */
  synchronized void echoInputsInErrors(boolean echo) {
    this.echo = echo;
  }

  synchronized void seal(boolean sealed) {
    this.sealed = sealed;
  }

  /** Requests so far, as {@code METHOD [ns] path}: {@code GET [] secret/data/app}. */
  synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  synchronized long count(String request) {
    return requests.stream().filter(request::equals).count();
  }

  synchronized void clearRequests() {
    requests.clear();
  }

  // ---- the API ----

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String ns = ex.getRequestHeaders().getFirst("X-Vault-Namespace");
      ns = ns == null ? "" : ns;
      String path = ex.getRequestURI().getPath();
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String token = ex.getRequestHeaders().getFirst("X-Vault-Token");
      Answer a;
      synchronized (this) {
        String p = path.startsWith("/v1/") ? path.substring(4) : path;
        requests.add(ex.getRequestMethod() + " [" + ns + "] " + p);
        a = answer(ex.getRequestMethod(), ns, p, token, body);
      }
      byte[] out = json(a.body()).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(a.status(), out.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(out);
      }
    }
  }

  private record Answer(int status, Map<String, Object> body) {}

  private static Answer error(int status, String... errors) {
    return new Answer(status, Map.of("errors", List.of(errors)));
  }

  private Answer answer(String method, String ns, String p, String token, String body) {
    if (sealed) return error(503, "Vault is sealed");
    Instant now = clock.instant();
    if (method.equals("POST") && p.startsWith("auth/") && p.endsWith("/login")) {
      return login(ns, p.substring("auth/".length(), p.length() - "/login".length()), body);
    }
    TokenState t = token == null ? null : tokens.get(token);
    if (t == null || !t.valid(now) || !t.namespace.equals(ns)) {
      return echo ? error(403, "permission denied for token " + token) : error(403, "permission denied");
    }
    if (method.equals("GET") && p.equals("auth/token/lookup-self")) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("accessor", "acc-" + Integer.toHexString(token.hashCode()));
      data.put("creation_time", t.issued.getEpochSecond());
      data.put("creation_ttl", t.creationTtl.toSeconds());
      data.put("display_name", "token");
      data.put("expire_time", t.expires == null ? null : t.expires.toString());
      data.put("explicit_max_ttl", 0);
      data.put("id", token);
      data.put("namespace_path", ns.isEmpty() ? "" : ns + "/");
      data.put("policies", List.of("default", t.policy));
      data.put("renewable", t.renewable);
      data.put("ttl", t.expires == null ? 0 : Duration.between(now, t.expires).toSeconds());
      data.put("type", "service");
      return new Answer(200, response(data, 0, null));
    }
    if (method.equals("POST") && p.equals("auth/token/renew-self")) {
      if (!t.renewable || t.expires == null) return error(400, "lease is not renewable");
      Instant cap = t.maxTtl.isZero() ? null : t.issued.plus(t.maxTtl);
      Instant next = now.plus(t.creationTtl);
      if (cap != null && next.isAfter(cap)) next = cap;
      t.expires = next;
      return new Answer(200, response(null, 0, auth(token, t, Duration.between(now, next))));
    }
    if (!method.equals("GET")) return error(405, "unsupported operation");
    if (!allowed(t.policy, p)) return echo ? error(403, "permission denied for token " + token) : error(403, "permission denied");
    return read(ns, p);
  }

  private Answer login(String ns, String mount, String body) {
    Map<String, Object> in;
    try {
      in = Json.parseObject(body);
    } catch (IllegalArgumentException e) {
      return error(400, "failed to parse JSON input");
    }
    Role role = appRoles.get(ns + "|" + mount + "|" + in.get("role_id"));
    if (in.containsKey("role_id")) {
      if (role == null || !role.credential().equals(in.get("secret_id"))) {
        return echo ? error(400, "invalid role_id " + in.get("role_id") + " or secret_id " + in.get("secret_id"))
            : error(400, "invalid role or secret ID");
      }
    } else if (in.containsKey("jwt")) {
      role = kubeRoles.get(ns + "|" + mount + "|" + in.get("role"));
      if (role == null) return error(400, "invalid role name \"" + in.get("role") + "\"");
      if (!role.credential().equals(in.get("jwt"))) {
        return echo ? error(403, "permission denied for jwt " + in.get("jwt")) : error(403, "permission denied");
      }
    } else {
      return error(400, "missing role_id or jwt");
    }
    String token = token(ns, role.spec());
    return new Answer(200, response(null, 0, auth(token, tokens.get(token), role.spec().ttl())));
  }

  private Answer read(String ns, String p) {
    for (Map.Entry<String, Integer> m : kvMounts.entrySet()) {
      String[] nm = m.getKey().split("\\|", 2);
      if (!nm[0].equals(ns) || !p.startsWith(nm[1] + "/")) continue;
      String rest = p.substring(nm[1].length() + 1);
      if (m.getValue() == 1) {
        Map<String, Object> data = kv1.get(ns + "|" + nm[1] + "|" + rest);
        if (data == null) return error(404);
        long lease = data.get("ttl") instanceof String s ? Duration.parse("PT" + s.toUpperCase()).toSeconds() : KV1_DEFAULT_LEASE;
        return new Answer(200, response(data, lease, null));
      }
      if (!rest.startsWith("data/")) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("errors", List.of());
        out.put("warnings", List.of("Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation."));
        return new Answer(404, out);
      }
      String key = ns + "|" + nm[1] + "|" + rest.substring("data/".length());
      List<Map<String, Object>> versions = kv2.get(key);
      if (versions == null) return error(404);
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("created_time", "2026-01-01T00:00:00Z");
      meta.put("custom_metadata", null);
      boolean deleted = kv2Deleted.containsKey(key);
      meta.put("deletion_time", deleted ? clock.instant().toString() : "");
      meta.put("destroyed", false);
      meta.put("version", versions.size());
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("data", deleted ? null : versions.get(versions.size() - 1));
      data.put("metadata", meta);
      return new Answer(deleted ? 404 : 200, response(data, 0, null));
    }
    return error(404, "no handler for route \"" + p + "\". route entry not found.");
  }

  private boolean allowed(String policy, String p) {
    for (String rule : policies.getOrDefault(policy, Set.of())) {
      if (rule.endsWith("*") ? p.startsWith(rule.substring(0, rule.length() - 1)) : p.equals(rule)) return true;
    }
    return false;
  }

  private static Map<String, Object> auth(String token, TokenState t, Duration lease) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("client_token", token);
    a.put("accessor", "acc-" + Integer.toHexString(token.hashCode()));
    a.put("policies", List.of("default", t.policy));
    a.put("token_policies", List.of("default", t.policy));
    a.put("metadata", null);
    a.put("lease_duration", lease.toSeconds());
    a.put("renewable", t.renewable);
    a.put("entity_id", "");
    a.put("token_type", "service");
    a.put("orphan", true);
    return a;
  }

  private static Map<String, Object> response(Map<String, Object> data, long lease, Map<String, Object> auth) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("request_id", "00000000-0000-0000-0000-000000000000");
    r.put("lease_id", "");
    r.put("renewable", false);
    r.put("lease_duration", lease);
    r.put("data", data);
    r.put("wrap_info", null);
    r.put("warnings", null);
    r.put("auth", auth);
    return r;
  }

  static String json(Object o) {
    StringBuilder sb = new StringBuilder();
    write(sb, o);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object o) {
    if (o == null) {
      sb.append("null");
    } else if (o instanceof String s) {
      sb.append(Json.object("k", s), 5, Json.object("k", s).length() - 1);
    } else if (o instanceof Number || o instanceof Boolean) {
      sb.append(o);
    } else if (o instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) sb.append(',');
        first = false;
        write(sb, String.valueOf(e.getKey()));
        sb.append(':');
        write(sb, e.getValue());
      }
      sb.append('}');
    } else if (o instanceof List<?> l) {
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) sb.append(',');
        write(sb, l.get(i));
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException(o.getClass().getName());
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
