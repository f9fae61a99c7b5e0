package io.remotesecrets.vault;

import io.remotesecrets.Scheduler;
import io.remotesecrets.Secret;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretFetchException.Reason;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretWatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads KV secrets. Several refs of one path ({@code app#user}, {@code app#password}) share
 * one read per refresh: a read is served at most once to each ref, and only within
 * {@link #READ_SHARING_WINDOW} of its completion, so a ref that asks again (its next refresh,
 * or a forced refresh after its value was rejected) always causes a new read. Reads of one
 * path in flight are shared. A new read is also pushed to the path's other fields (through
 * their watchers), so a username and its password rotate together even when only one of them
 * was refreshed.
 *
 * <p>A read that returns a lease ({@code lease_duration > 0}, as KV version 1 does with a
 * {@code ttl} field) is repeated at two thirds of the lease and pushed to the watchers of
 * that path, so the value is replaced before the lease ends even when the refresh interval
 * is longer than the lease.
 */
final class VaultSecretProvider implements SecretProvider {
  private static final Logger log = LoggerFactory.getLogger(VaultSecretProvider.class);
  static final Duration READ_SHARING_WINDOW = Duration.ofSeconds(30);
  static final Duration LEASE_READ_TIMEOUT = Duration.ofSeconds(30);

  private final VaultConfig config;
  private final VaultHttp http;
  private final VaultSession session;
  private final Scheduler scheduler;
  private final Clock clock;

  // Guarded by this.
  private final Map<String, Read> reads = new HashMap<>();
  private final Map<String, Map<String, SecretWatcher>> watchers = new HashMap<>();
  private final Map<String, Scheduler.Cancellable> leaseTimers = new HashMap<>();
  private boolean closed;

  /** The fields of one read and its lease (zero for none). */
  record KvData(Map<String, Object> fields, Duration lease) {
    @Override
    public String toString() {
      return "KvData{fields=" + fields.keySet() + ", lease=" + lease + "}";
    }
  }

  private static final class Read {
    final CompletableFuture<KvData> result = new CompletableFuture<>();
    final Set<String> served = new HashSet<>();
    Instant doneAt;
  }

  VaultSecretProvider(VaultConfig config, VaultHttp http, VaultSession session, Scheduler scheduler, Clock clock) {
    this.config = config;
    this.http = http;
    this.session = session;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  @Override
  public Secret fetch(String ref, Instant deadline) throws SecretFetchException {
    VaultRef r = parse(ref);
    String apiPath = config.apiPath(r.path());
    return field(read(apiPath, Set.of(ref), false, deadline), apiPath, r);
  }

  @Override
  public Optional<Watch> watch(String ref, SecretWatcher watcher) {
    VaultRef r;
    try {
      r = VaultRef.parse(ref);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String apiPath = config.apiPath(r.path());
    synchronized (this) {
      if (closed) return Optional.empty();
      watchers.computeIfAbsent(apiPath, k -> new LinkedHashMap<>()).put(ref, watcher);
    }
    return Optional.of(() -> {
      synchronized (this) {
        Map<String, SecretWatcher> ws = watchers.get(apiPath);
        if (ws != null && ws.remove(ref, watcher) && ws.isEmpty()) {
          watchers.remove(apiPath);
          Scheduler.Cancellable t = leaseTimers.remove(apiPath);
          if (t != null) t.cancel();
        }
      }
    });
  }

  private static VaultRef parse(String ref) throws SecretFetchException {
    try {
      return VaultRef.parse(ref);
    } catch (IllegalArgumentException e) {
      throw new SecretFetchException(Reason.INVALID_REF, e.getMessage());
    }
  }

  /** The read of {@code apiPath} that {@code refs} should use: a shared one, or a new one. */
  private KvData read(String apiPath, Set<String> refs, boolean force, Instant deadline) throws SecretFetchException {
    Read read;
    boolean mine = false;
    synchronized (this) {
      Read cur = reads.get(apiPath);
      boolean usable = !force && cur != null
          && (cur.doneAt == null || clock.instant().isBefore(cur.doneAt.plus(READ_SHARING_WINDOW)))
          && refs.stream().noneMatch(cur.served::contains);
      if (usable) {
        read = cur;
      } else {
        read = new Read();
        reads.put(apiPath, read);
        mine = true;
      }
      read.served.addAll(refs);
    }
    if (mine) {
      try {
        KvData data = readPath(apiPath, deadline);
        synchronized (this) {
          read.doneAt = clock.instant();
        }
        read.result.complete(data);
        scheduleLeaseRead(apiPath, data.lease());
        push(apiPath, data, refs);
        return data;
      } catch (SecretFetchException | RuntimeException e) {
        synchronized (this) {
          reads.remove(apiPath, read);
        }
        read.result.completeExceptionally(e);
        throw e;
      }
    }
    Duration wait = Duration.between(clock.instant(), deadline);
    try {
      return read.result.get(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SecretFetchException f) throw new SecretFetchException(f.reason(), f.getMessage(), f);
      throw new SecretFetchException(Reason.UNAVAILABLE, where(apiPath) + ": read failed: " + e.getCause().getClass().getName(), e.getCause());
    } catch (TimeoutException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE, where(apiPath) + ": timed out waiting for a read in progress");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SecretFetchException(Reason.UNAVAILABLE, where(apiPath) + ": interrupted", e);
    }
  }

  /**
   * Gives the other watched fields of a path the values of a new read, so that a rotation
   * reaches every field of the secret at once (a username with its password), even when only
   * one of them was refreshed. The manager ignores unchanged values. A field the read lacks is
   * left to its own refresh to report.
   */
  private void push(String apiPath, KvData data, Set<String> except) {
    Map<String, SecretWatcher> ws;
    synchronized (this) {
      Map<String, SecretWatcher> current = watchers.get(apiPath);
      if (current == null) return;
      ws = new LinkedHashMap<>(current);
    }
    ws.keySet().removeAll(except);
    for (Map.Entry<String, SecretWatcher> e : ws.entrySet()) {
      try {
        e.getValue().changed(field(data, apiPath, VaultRef.parse(e.getKey())));
      } catch (SecretFetchException | IllegalArgumentException ignored) {
        // Reported by that field's own fetch.
      }
    }
  }

  /** One GET, with one new token and one retry if Vault no longer accepts the token. */
  private KvData readPath(String apiPath, Instant deadline) throws SecretFetchException {
    Secret token = session.token(deadline);
    VaultHttp.Response r = http.send("GET", apiPath, Optional.of(token), Optional.empty(), deadline);
    if ((r.status() == 403 || r.status() == 401) && !session.accepted(token, deadline)) {
      // Expired or revoked early: a new token, not a failed fetch.
      session.invalidate(token);
      token = session.token(deadline);
      r = http.send("GET", apiPath, Optional.of(token), Optional.empty(), deadline);
    }
    return interpret(apiPath, r, token);
  }

  private KvData interpret(String apiPath, VaultHttp.Response r, Secret token) throws SecretFetchException {
    String at = where(apiPath);
    int s = r.status();
    if (s == 200) {
      Optional<Map<String, Object>> data = Json.object(r.body().get("data"));
      if (data.isEmpty()) throw new SecretFetchException(Reason.NOT_FOUND, at + ": the response has no data");
      Map<String, Object> fields = data.get();
      if (config.kvVersion() == 2) {
        Optional<Map<String, Object>> inner = Json.object(fields.get("data"));
        if (inner.isEmpty()) throw new SecretFetchException(Reason.NOT_FOUND, at + ": the latest version is deleted");
        fields = inner.get();
      }
      return new KvData(Map.copyOf(withoutNullKeys(fields)), Duration.ofSeconds(Json.number(r.body().get("lease_duration"))));
    }
    if (s == 404) {
      Map<String, Object> meta = Json.object(r.body().get("data")).flatMap(d -> Json.object(d.get("metadata"))).orElse(Map.of());
      if (config.kvVersion() == 2 && meta.get("deletion_time") instanceof String t && !t.isEmpty()) {
        throw new SecretFetchException(Reason.NOT_FOUND, at + ": the latest version is deleted (HTTP 404)");
      }
      String hint = config.kvVersion() == 1 && Json.strings(r.body().get("warnings")).stream().anyMatch(w -> w.contains("versioned K/V"))
          ? "; the mount is a KV version 2 engine: set kv_version: 2" : "";
      throw new SecretFetchException(Reason.NOT_FOUND, at + ": no secret at this path (HTTP 404)" + hint);
    }
    if (s == 403 || s == 401) {
      throw new SecretFetchException(Reason.PERMISSION_DENIED,
          at + ": permission denied (" + r.describe(token) + "); check the policies of the token of auth " + config.auth().description());
    }
    if (s == 503 && r.errors().contains("Vault is sealed")) {
      throw new SecretFetchException(Reason.UNAVAILABLE, at + ": Vault is sealed (HTTP 503)");
    }
    throw new SecretFetchException(Reason.UNAVAILABLE, at + ": " + r.describe(token));
  }

  private static Map<String, Object> withoutNullKeys(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>(m);
    out.values().removeIf(v -> v == null);
    return out;
  }

  private Secret field(KvData data, String apiPath, VaultRef r) throws SecretFetchException {
    String at = where(apiPath);
    Map<String, Object> fields = data.fields();
    String name;
    if (r.field().isPresent()) {
      name = r.field().get();
      if (!fields.containsKey(name)) {
        throw new SecretFetchException(Reason.NOT_FOUND, at + ": no field \"" + name + "\" (fields: " + names(fields) + ")");
      }
    } else {
      if (fields.size() != 1) {
        throw new SecretFetchException(Reason.INVALID_REF, at + ": the secret has " + fields.size()
            + " fields (" + names(fields) + "); name one in the ref: " + r.path() + "#<field>");
      }
      name = fields.keySet().iterator().next();
    }
    Object v = fields.get(name);
    if (v instanceof String str) return Secret.of(str);
    if (v instanceof Number || v instanceof Boolean) return Secret.of(String.valueOf(v));
    throw new SecretFetchException(Reason.INVALID_REF, at + ": field \"" + name + "\" holds a JSON "
        + (v instanceof List ? "array" : "object") + ", not a string");
  }

  private static String names(Map<String, Object> fields) {
    return fields.isEmpty() ? "none" : String.join(", ", new TreeSet<>(fields.keySet()));
  }

  private String where(String apiPath) {
    return http.where() + ", path " + apiPath;
  }

  private void scheduleLeaseRead(String apiPath, Duration lease) {
    if (lease.isZero() || lease.isNegative()) return;
    synchronized (this) {
      if (closed) return;
      Scheduler.Cancellable old = leaseTimers.remove(apiPath);
      if (old != null) old.cancel();
      leaseTimers.put(apiPath, scheduler.schedule(() -> leaseRead(apiPath), lease.multipliedBy(2).dividedBy(3)));
    }
  }

  /** Reads a leased path again ahead of the lease end and pushes the result to its watchers. */
  private void leaseRead(String apiPath) {
    Map<String, SecretWatcher> ws;
    synchronized (this) {
      leaseTimers.remove(apiPath);
      Map<String, SecretWatcher> current = watchers.get(apiPath);
      if (closed || current == null || current.isEmpty()) return;
      ws = new LinkedHashMap<>(current);
    }
    KvData data;
    try {
      data = read(apiPath, ws.keySet(), true, clock.instant().plus(LEASE_READ_TIMEOUT));
    } catch (SecretFetchException e) {
      log.warn("{}: reading ahead of the lease end failed: {}", where(apiPath), e.getMessage());
      ws.values().forEach(w -> w.failed(e));
      return;
    }
    for (Map.Entry<String, SecretWatcher> e : ws.entrySet()) {
      try {
        e.getValue().changed(field(data, apiPath, VaultRef.parse(e.getKey())));
      } catch (SecretFetchException f) {
        e.getValue().failed(f);
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      leaseTimers.values().forEach(Scheduler.Cancellable::cancel);
      leaseTimers.clear();
      watchers.clear();
    }
    session.close();
    Scheduler.close(scheduler);
    http.close();
  }

  @Override
  public String toString() {
    return "VaultSecretProvider{" + http.where() + ", mount " + config.mount() + ", kv v" + config.kvVersion() + "}";
  }
}
