package io.remotesecrets;

import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretWatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cached secret: its value, previous value, state and schedule. See {@link SecretManager}
 * for the semantics. Reads of the value are lock-free; state changes hold the entry's lock.
 */
final class SecretEntry implements SecretReader {
  private static final Logger log = LoggerFactory.getLogger(SecretManager.class);

  private final SecretManager m;
  private final ProviderHandle provider;
  private final String ref;
  private volatile Duration refreshInterval;
  private volatile Secret value;
  private volatile Secret previous;
  private volatile Instant previousUntil = Instant.MIN;
  private volatile SecretState state = SecretState.ERROR;
  private volatile String lastError;
  private volatile Instant lastSuccess;

  // Guarded by this.
  private CompletableFuture<Secret> inFlight;
  private Scheduler.Cancellable next;
  private Scheduler.Cancellable watchdog;
  private int failures;
  private Instant lastForced;
  private SecretProvider.Watch watch;
  private boolean watchTried;
  private boolean closed;

  SecretEntry(SecretManager manager, ProviderHandle provider, String ref, Duration refreshInterval) {
    this.m = manager;
    this.provider = provider;
    this.ref = ref;
    this.refreshInterval = refreshInterval;
  }

  void start() {
    m.metrics.state(provider.name(), ref, SecretState.ERROR);
    refresh();
  }

  synchronized void shortenRefreshInterval(Duration d) {
    if (d.compareTo(refreshInterval) < 0) {
      refreshInterval = d;
      if (value != null && inFlight == null && failures == 0) schedule(jittered(d));
    }
  }

  @Override
  public Secret current() throws SecretUnavailableException {
    Secret v = value;
    if (v != null) return v;
    throw unavailable(null);
  }

  @Override
  public Secret await(Duration timeout) throws SecretUnavailableException {
    Secret v = value;
    if (v != null) return v;
    try {
      return refresh().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof SecretUnavailableException u ? u : unavailable(e.getCause());
    } catch (TimeoutException e) {
      throw unavailable(null);
    }
  }

  @Override
  public CompletableFuture<Secret> reportRejected(Secret rejected) {
    synchronized (this) {
      Secret v = value;
      if (v != null && !v.equals(rejected)) return CompletableFuture.completedFuture(v);
      if (inFlight != null) return inFlight.exceptionally(e -> value);
      Instant now = m.clock.instant();
      if (lastForced != null && now.isBefore(lastForced.plus(m.rejectedRefreshInterval))) {
        return CompletableFuture.completedFuture(v);
      }
      lastForced = now;
      log.info("credentials rejected, refreshing secret: provider={} ref={}", provider.binding, ref);
      return refresh().exceptionally(e -> value);
    }
  }

  @Override
  public Optional<Secret> previous() {
    Secret p = previous;
    return p != null && m.clock.instant().isBefore(previousUntil) ? Optional.of(p) : Optional.empty();
  }

  @Override
  public String description() {
    return "provider " + provider.name() + ", ref " + ref;
  }

  @Override
  public boolean isConstant() {
    return false;
  }

  SecretStatus status() {
    Secret v = value;
    return new SecretStatus(provider.name(), provider.binding.type(), ref, state,
        Optional.ofNullable(lastSuccess), Optional.ofNullable(lastError).map(e -> description() + ": " + e),
        refreshInterval, Optional.ofNullable(v).map(Secret::fingerprint));
  }

  /** Starts a fetch unless one is running; either way returns the running one. */
  synchronized CompletableFuture<Secret> refresh() {
    if (closed) {
      return CompletableFuture.failedFuture(unavailable(null));
    }
    if (inFlight != null) return inFlight;
    CompletableFuture<Secret> f = new CompletableFuture<>();
    inFlight = f;
    if (next != null) next.cancel();
    next = null;
    Instant start = m.clock.instant();
    // A provider that ignores its deadline must not hold the entry forever.
    watchdog = m.scheduler.schedule(() -> timedOut(f, start), m.fetchTimeout.plusSeconds(1));
    try {
      m.fetchExecutor.execute(() -> fetch(f, start));
    } catch (RuntimeException e) {
      failed(f, new SecretFetchException(SecretFetchException.Reason.UNAVAILABLE, "cannot start fetch: " + e), start);
    }
    return f;
  }

  private void fetch(CompletableFuture<Secret> f, Instant start) {
    try {
      SecretProvider p = provider.get();
      Secret v = p.fetch(ref, start.plus(m.fetchTimeout));
      if (v == null) throw new SecretFetchException(SecretFetchException.Reason.UNAVAILABLE, "provider returned no value");
      succeeded(f, v, start, p);
    } catch (SecretFetchException e) {
      failed(f, e, start);
    } catch (RuntimeException e) {
      // A provider bug; name the exception type only, since its message is not ours to trust.
      failed(f, new SecretFetchException(SecretFetchException.Reason.UNAVAILABLE,
          "provider failed with " + e.getClass().getName(), e), start);
    }
  }

  private void timedOut(CompletableFuture<Secret> f, Instant start) {
    failed(f, new SecretFetchException(SecretFetchException.Reason.UNAVAILABLE,
        "no answer within " + io.remotesecrets.config.Durations.format(m.fetchTimeout)), start);
  }

  private void succeeded(CompletableFuture<Secret> f, Secret v, Instant start, SecretProvider p) {
    CompletableFuture<Secret> done;
    synchronized (this) {
      if (closed) return;
      accept(v);
      m.metrics.fetched(provider.name(), ref, m.clock.instant(), Duration.between(start, m.clock.instant()));
      failures = 0;
      done = finish(f);
      if (inFlight == null) schedule(jittered(refreshInterval));
      if (!watchTried) {
        watchTried = true;
        watch = p.watch(ref, new Watcher()).orElse(null);
      }
    }
    if (done != null) done.complete(v);
  }

  /** Takes a new value; keeps the old one as the rotation fallback if it differs. */
  private void accept(Secret v) {
    Secret old = value;
    if (old != null && !old.equals(v)) {
      previous = old;
      previousUntil = m.clock.instant().plus(m.rotationFallback);
      log.info("secret rotated: provider={} ref={}", provider.binding, ref);
    }
    value = v;
    lastSuccess = m.clock.instant();
    lastError = null;
    setState(SecretState.SUCCESS);
  }

  /**
   * Records a failure. {@code f} is the fetch it ends, or null for a pushed failure; a fetch
   * that already ended (it timed out, then answered) changes nothing.
   */
  private void failed(CompletableFuture<Secret> f, SecretFetchException e, Instant start) {
    CompletableFuture<Secret> done;
    Duration retryIn;
    synchronized (this) {
      if (closed || (f != null && f != inFlight)) return;
      m.metrics.failed(provider.name(), ref, Duration.between(start, m.clock.instant()));
      lastError = e.getMessage();
      setState(value == null ? SecretState.ERROR : SecretState.STALE);
      failures++;
      retryIn = backoff(failures);
      done = finish(f);
      if (inFlight == null) schedule(retryIn);
    }
    log.warn("secret fetch failed: provider={} ref={} state={} retry_in={} error=\"{}\"",
        provider.binding, ref, state.label(), retryIn, e.getMessage());
    if (done != null) {
      Secret v = value;
      if (v != null) done.complete(v);
      else done.completeExceptionally(unavailable(e));
    }
  }

  /** Ends fetch {@code f} if it is the running one; returns it for completion outside the lock. */
  private CompletableFuture<Secret> finish(CompletableFuture<Secret> f) {
    if (f == null || f != inFlight) return null;
    inFlight = null;
    if (watchdog != null) watchdog.cancel();
    watchdog = null;
    return f;
  }

  private void setState(SecretState s) {
    state = s;
    m.metrics.state(provider.name(), ref, s);
  }

  private Duration backoff(int failures) {
    long base = m.initialBackoff.toNanos();
    long max = m.maxBackoff.toNanos();
    long d = failures >= 62 ? max : Math.min(max, base << Math.min(failures - 1, 40));
    if (d < 0) d = max;
    return jittered(Duration.ofNanos(d));
  }

  private Duration jittered(Duration d) {
    if (m.jitter == 0) return d;
    double f = 1 - m.jitter * ThreadLocalRandom.current().nextDouble();
    return Duration.ofNanos((long) (d.toNanos() * f));
  }

  private void schedule(Duration delay) {
    if (next != null) next.cancel();
    next = m.scheduler.schedule(this::refresh, delay);
  }

  private SecretUnavailableException unavailable(Throwable cause) {
    String why = lastError != null ? lastError : closed ? "secret no longer configured" : "first fetch in progress";
    return new SecretUnavailableException(
        "waiting for secret " + ref + " from provider " + provider.name() + ": " + why, cause);
  }

  void close() {
    SecretProvider.Watch w;
    synchronized (this) {
      closed = true;
      if (next != null) next.cancel();
      next = null;
      if (watchdog != null) watchdog.cancel();
      watchdog = null;
      w = watch;
      watch = null;
    }
    if (w != null) w.close();
    m.metrics.remove(provider.name(), ref);
  }

  @Override
  public String toString() {
    return "SecretReader{" + description() + ", state=" + state.label() + "}";
  }

  /** Pushed changes go through the same state changes as fetches. */
  private final class Watcher implements SecretWatcher {
    @Override
    public void changed(Secret v) {
      synchronized (SecretEntry.this) {
        if (closed || v.equals(value) && state == SecretState.SUCCESS) return;
        accept(v);
        m.metrics.fetched(provider.name(), ref, m.clock.instant(), Duration.ZERO);
        failures = 0;
        if (inFlight == null) schedule(jittered(refreshInterval));
      }
    }

    @Override
    public void failed(SecretFetchException cause) {
      SecretEntry.this.failed(null, cause, m.clock.instant());
    }
  }
}
