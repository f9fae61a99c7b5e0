package io.remotesecrets.vault;

import io.remotesecrets.Scheduler;
import io.remotesecrets.Secret;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretFetchException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's Vault token: obtained once, renewed with {@code auth/token/renew-self} at two
 * thirds of its TTL, and obtained again (a new login, or a re-read of a given token) when
 * renewal fails, when it expires, or when Vault stops accepting it.
 *
 * <p>Renewal runs on the scheduler ahead of time, and is also checked before every use, so a
 * token is fresh even if the scheduler fell behind (a suspended laptop, a fake clock).
 * Thread-safe: one login or renewal at a time.
 */
final class VaultSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VaultSession.class);
  /** How long a background renewal may take. */
  static final Duration BACKGROUND_TIMEOUT = Duration.ofSeconds(30);
  /** Pause before retrying a failed background renewal. */
  static final Duration BACKGROUND_RETRY = Duration.ofSeconds(30);

  private final VaultHttp http;
  private final VaultAuth auth;
  private final Clock clock;
  private final Scheduler scheduler;
  private final VaultEnvironment env;
  private final SecretReader tokenSource;
  private final SecretReader roleId;
  private final SecretReader secretId;

  // Guarded by this.
  private Secret token;
  private Duration ttl = Duration.ZERO;
  private Instant expiresAt;
  private Instant actAt;
  private boolean renewable;
  private Scheduler.Cancellable renewal;
  private Secret rejected;
  private boolean closed;

  VaultSession(VaultHttp http, VaultAuth auth, Clock clock, Scheduler scheduler, VaultEnvironment env,
      SecretReader tokenSource, SecretReader roleId, SecretReader secretId) {
    this.http = http;
    this.auth = auth;
    this.clock = clock;
    this.scheduler = scheduler;
    this.env = env;
    this.tokenSource = tokenSource;
    this.roleId = roleId;
    this.secretId = secretId;
  }

  /**
   * A token that Vault should accept now: the current one, renewed if due, or a new one.
   *
   * @throws SecretFetchException naming the auth method and why it failed, never a token
   */
  synchronized Secret token(Instant deadline) throws SecretFetchException {
    if (closed) throw new SecretFetchException(Reason.UNAVAILABLE, http.where() + ": provider closed");
    if (token != null && expiresAt != null) {
      Instant now = clock.instant();
      if (!now.isBefore(expiresAt.minus(margin(ttl)))) {
        log.info("{}: token of auth {} expired; obtaining a new one", http.where(), auth.description());
        token = null;
      } else if (!now.isBefore(actAt)) {
        if (renewable) {
          try {
            renew(deadline);
          } catch (SecretFetchException e) {
            log.info("{}; obtaining a new token", e.getMessage());
            token = null;
          }
        } else {
          // Not renewable (any more): replace it ahead of its expiry.
          token = null;
        }
      }
    }
    if (token == null) login(deadline);
    return token;
  }

  /**
   * Whether Vault still accepts {@code t} ({@code auth/token/lookup-self}); tells a revoked or
   * expired token from a policy that denies a path, which Vault both answer with 403.
   */
  boolean accepted(Secret t, Instant deadline) throws SecretFetchException {
    VaultHttp.Response r = http.send("GET", "auth/token/lookup-self", Optional.of(t), Optional.empty(), deadline);
    return r.status() != 403 && r.status() != 401;
  }

  /** Forgets {@code t} if it is still the current token: the next {@link #token} obtains a new one. */
  synchronized void invalidate(Secret t) {
    if (t.equals(token)) {
      log.info("{}: Vault no longer accepts the token of auth {}; obtaining a new one", http.where(), auth.description());
      token = null;
      rejected = t;
      cancelRenewal();
    }
  }

  private void login(Instant deadline) throws SecretFetchException {
    Instant now = clock.instant();
    if (auth instanceof VaultAuth.Token) {
      Secret t = givenToken(deadline);
      VaultHttp.Response r = http.send("GET", "auth/token/lookup-self", Optional.of(t), Optional.empty(), deadline);
      if (!r.ok()) throw failure(r, "token lookup-self returned " + r.describe(t));
      Map<String, Object> data = Json.object(r.body().get("data")).orElse(Map.of());
      accept(t, now, Duration.ofSeconds(Json.number(data.get("ttl"))), Boolean.TRUE.equals(data.get("renewable")));
    } else if (auth instanceof VaultAuth.AppRole a) {
      Secret role = read(roleId, "role_id", deadline);
      Secret sid = read(secretId, "secret_id", deadline);
      VaultHttp.Response r = loginRequest(a.mount(), Json.object("role_id", role.reveal(), "secret_id", sid.reveal()), deadline);
      if (!r.ok() && (r.status() == 400 || r.status() == 403)) {
        // A rotated secret_id may not have reached the cache yet: re-read it once.
        Secret fresh = reread(secretId, sid, deadline);
        if (!fresh.equals(sid)) {
          sid = fresh;
          r = loginRequest(a.mount(), Json.object("role_id", role.reveal(), "secret_id", sid.reveal()), deadline);
        }
      }
      acceptLogin(r, now, role, sid);
    } else if (auth instanceof VaultAuth.Kubernetes k) {
      Secret jwt;
      try {
        jwt = Secret.of(Files.readString(k.serviceAccountTokenFile(), StandardCharsets.UTF_8).strip());
      } catch (IOException e) {
        throw new SecretFetchException(Reason.UNAVAILABLE, http.where() + ": auth " + auth.description()
            + " failed: cannot read service account token file " + k.serviceAccountTokenFile() + ": " + e.getClass().getSimpleName(), e);
      }
      acceptLogin(loginRequest(k.mount(), Json.object("role", k.role(), "jwt", jwt.reveal()), deadline), now, jwt);
    }
    log.info("{}: logged in with auth {}; token ttl {}s, renewable {}", http.where(), auth.description(), ttl.toSeconds(), renewable);
  }

  private VaultHttp.Response loginRequest(String mount, String body, Instant deadline) throws SecretFetchException {
    return http.send("POST", "auth/" + mount + "/login", Optional.empty(), Optional.of(body), deadline);
  }

  private void acceptLogin(VaultHttp.Response r, Instant now, Secret... inputs) throws SecretFetchException {
    if (!r.ok()) throw failure(r, "login returned " + r.describe(inputs));
    Map<String, Object> a = Json.object(r.body().get("auth")).orElse(Map.of());
    Object clientToken = a.get("client_token");
    if (!(clientToken instanceof String s) || s.isEmpty()) {
      throw new SecretFetchException(Reason.UNAVAILABLE, http.where() + ": auth " + auth.description()
          + " failed: the login response has no auth.client_token");
    }
    accept(Secret.of(s), now, Duration.ofSeconds(Json.number(a.get("lease_duration"))), Boolean.TRUE.equals(a.get("renewable")));
  }

  /**
   * Takes a token with {@code ttl} left ({@code 0}: it never expires) and schedules its next
   * renewal, or its replacement when it cannot be renewed.
   */
  private void accept(Secret t, Instant now, Duration ttl, boolean renewable) {
    this.token = t;
    this.ttl = ttl;
    this.renewable = renewable;
    this.expiresAt = ttl.isZero() ? null : now.plus(ttl);
    this.actAt = ttl.isZero() ? null : now.plus(ttl.multipliedBy(2).dividedBy(3));
    this.rejected = null;
    scheduleBackground();
  }

  /** The given token: from its source, re-read if Vault rejected the cached one, else VAULT_TOKEN. */
  private Secret givenToken(Instant deadline) throws SecretFetchException {
    if (tokenSource != null) {
      Secret t = read(tokenSource, "token", deadline);
      return rejected != null && rejected.equals(t) ? reread(tokenSource, t, deadline) : t;
    }
    String v = env.env("VAULT_TOKEN");
    if (v == null) {
      throw new SecretFetchException(Reason.PERMISSION_DENIED, http.where() + ": auth " + auth.description()
          + " failed: no auth is configured and VAULT_TOKEN is not set");
    }
    return Secret.of(v.strip());
  }

  private void renew(Instant deadline) throws SecretFetchException {
    VaultHttp.Response r = http.send("POST", "auth/token/renew-self", Optional.of(token), Optional.of("{}"), deadline);
    if (!r.ok()) throw failure(r, "token renew-self returned " + r.describe(token));
    Map<String, Object> a = Json.object(r.body().get("auth")).orElse(Map.of());
    Duration newTtl = Duration.ofSeconds(Json.number(a.get("lease_duration")));
    if (newTtl.isZero()) {
      throw new SecretFetchException(Reason.PERMISSION_DENIED, http.where() + ": token renew-self returned no lease: the token is at its max TTL");
    }
    // A renewal shorter than the last one means the max TTL caps it: stop renewing, and
    // replace the token at two thirds of what is left.
    boolean capped = newTtl.compareTo(ttl) < 0;
    log.debug("{}: renewed the token of auth {}; ttl {}s{}", http.where(), auth.description(), newTtl.toSeconds(),
        capped ? " (capped by its max TTL)" : "");
    accept(token, clock.instant(), newTtl, !capped && Boolean.TRUE.equals(a.get("renewable")));
  }

  private SecretFetchException failure(VaultHttp.Response r, String detail) {
    Reason reason = r.status() == 400 || r.status() == 401 || r.status() == 403 ? Reason.PERMISSION_DENIED : Reason.UNAVAILABLE;
    String sealed = r.errors().contains("Vault is sealed") ? " (Vault is sealed)" : "";
    return new SecretFetchException(reason, http.where() + ": auth " + auth.description() + " failed: " + detail + sealed);
  }

  private Secret read(SecretReader reader, String field, Instant deadline) throws SecretFetchException {
    try {
      return reader.await(remaining(deadline));
    } catch (SecretUnavailableException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE, http.where() + ": auth " + auth.description()
          + " failed: cannot read " + field + ": " + e.getMessage(), e);
    }
  }

  /** Forces one refresh of a nested secret that Vault rejected, and returns its value then. */
  private Secret reread(SecretReader reader, Secret rejectedValue, Instant deadline) {
    try {
      return reader.reportRejected(rejectedValue).get(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return rejectedValue;
    } catch (ExecutionException | TimeoutException e) {
      return rejectedValue;
    }
  }

  private Duration remaining(Instant deadline) {
    Duration d = Duration.between(clock.instant(), deadline);
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static Duration margin(Duration ttl) {
    Duration tenth = ttl.dividedBy(10);
    return tenth.compareTo(Duration.ofSeconds(5)) < 0 ? tenth : Duration.ofSeconds(5);
  }

  private void scheduleBackground() {
    cancelRenewal();
    if (actAt == null || closed) return;
    renewal = scheduler.schedule(this::background, Duration.between(clock.instant(), actAt));
  }

  private void background() {
    try {
      token(clock.instant().plus(BACKGROUND_TIMEOUT));
    } catch (SecretFetchException e) {
      log.warn("{}: keeping a token for auth {} failed, retrying in {}s: {}", http.where(), auth.description(),
          BACKGROUND_RETRY.toSeconds(), e.getMessage());
      synchronized (this) {
        if (!closed && token == null) renewal = scheduler.schedule(this::background, BACKGROUND_RETRY);
      }
    }
  }

  private void cancelRenewal() {
    if (renewal != null) renewal.cancel();
    renewal = null;
  }

  @Override
  public synchronized void close() {
    closed = true;
    cancelRenewal();
    token = null;
  }

  @Override
  public String toString() {
    return "VaultSession{" + http.where() + ", auth " + auth.description() + "}";
  }
}
