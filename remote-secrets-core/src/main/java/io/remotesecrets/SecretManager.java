package io.remotesecrets;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.config.ProviderBinding;
import io.remotesecrets.config.SecretSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Owns the secret providers of a configuration and a cache of their secrets.
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li><b>One entry per (provider, ref).</b> Every {@link #reader(SecretSpec)} of the same
 *       provider binding and ref shares one cached value and one refresh schedule; when specs
 *       disagree on the refresh interval, the shortest wins.
 *   <li><b>First fetch.</b> Creating a reader starts the first fetch in the background and
 *       returns at once: start-up never blocks on a provider. Until a value exists,
 *       {@link SecretReader#current()} throws {@link SecretUnavailableException}, and the fetch is
 *       retried with exponential backoff (1 s doubling to 2 min, with jitter). Concurrent
 *       fetches of one entry share a single provider call.
 *   <li><b>Refresh.</b> After a success the next fetch is scheduled ahead of the refresh
 *       interval (at 90–100 % of it, randomised to spread a fleet's load). Readers are never
 *       blocked by a refresh: they keep getting the cached value.
 *   <li><b>Failures keep the last good value.</b> A failed refresh moves the entry to
 *       {@link SecretState#STALE}, keeps serving the last value and retries with backoff.
 *   <li><b>Watching providers</b> push changes ({@link io.remotesecrets.spi.SecretProvider#watch});
 *       the interval refresh continues as a safety net.
 *   <li><b>Rejected credentials.</b> {@link SecretReader#reportRejected} forces at most one
 *       refresh per entry per {@code rejectedRefreshInterval} (10 s by default). When a refresh
 *       changes the value, the previous one stays available from {@link SecretReader#previous()}
 *       for {@code rotationFallback} (5 min by default).
 *   <li><b>Reload.</b> {@link #retainOnly(Collection)} evicts entries that the new configuration
 *       does not use and closes providers left without entries. A provider whose binding (name,
 *       type, config) is equal to a running one is the running one, with its cache.
 * </ul>
 *
 * <p>Thread-safe. Provider calls run on the fetch executor; scheduling on the {@link Scheduler}.
 */
public final class SecretManager implements AutoCloseable {
  final Clock clock;
  final Scheduler scheduler;
  final Executor fetchExecutor;
  final SecretMetrics metrics;
  final Duration initialBackoff;
  final Duration maxBackoff;
  final Duration fetchTimeout;
  final Duration rejectedRefreshInterval;
  final Duration rotationFallback;
  final double jitter;
  private final boolean ownsScheduler;
  private final ExecutorService ownedExecutor;
  private final Map<EntryKey, SecretEntry> entries = new ConcurrentHashMap<>();
  private final Map<ProviderBinding, ProviderHandle> providers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  record EntryKey(ProviderBinding provider, String ref) {}

  private SecretManager(Builder b) {
    this.clock = b.clock;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = ownsScheduler ? Scheduler.onDaemonThread("remote-secrets-refresh") : b.scheduler;
    if (b.fetchExecutor == null) {
      AtomicInteger n = new AtomicInteger();
      ownedExecutor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "remote-secrets-fetch-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      fetchExecutor = ownedExecutor;
    } else {
      ownedExecutor = null;
      fetchExecutor = b.fetchExecutor;
    }
    this.metrics = new SecretMetrics(b.registry != null ? b.registry : new PrometheusRegistry());
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.fetchTimeout = b.fetchTimeout;
    this.rejectedRefreshInterval = b.rejectedRefreshInterval;
    this.rotationFallback = b.rotationFallback;
    this.jitter = b.jitter;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A reader for {@code spec}. For a provider-backed spec this registers the cache entry (or
   * joins the existing one) and starts its first fetch in the background; it never blocks.
   */
  public SecretReader reader(SecretSpec spec) {
    if (spec instanceof SecretSpec.Inline inline) return new ConstantReader(inline.value());
    if (closed) throw new IllegalStateException("secret manager is closed");
    SecretSpec.FromProvider p = (SecretSpec.FromProvider) spec;
    boolean[] created = {false};
    SecretEntry entry = entries.computeIfAbsent(new EntryKey(p.provider(), p.ref()), k -> {
      created[0] = true;
      ProviderHandle handle = providers.computeIfAbsent(p.provider(), b -> new ProviderHandle(this, b));
      return new SecretEntry(this, handle, p.ref(), p.refreshInterval());
    });
    if (created[0]) entry.start();
    else entry.shortenRefreshInterval(p.refreshInterval());
    return entry;
  }

  /**
   * Keeps the entries of {@code inUse} (and the secrets their providers' own configurations
   * use) and evicts every other entry, closing providers that no longer have one. Call it after
   * creating the readers of a new configuration, so that unchanged secrets keep their cache.
   */
  public void retainOnly(Collection<? extends SecretSpec> inUse) {
    Set<EntryKey> keep = new HashSet<>();
    Deque<SecretSpec> work = new ArrayDeque<>(inUse);
    while (!work.isEmpty()) {
      if (work.pop() instanceof SecretSpec.FromProvider p && keep.add(new EntryKey(p.provider(), p.ref()))) {
        ProviderHandle h = providers.get(p.provider());
        if (h != null) work.addAll(h.nestedSpecs());
      }
    }
    for (var it = entries.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!keep.contains(e.getKey())) {
        it.remove();
        e.getValue().close();
      }
    }
    Set<ProviderBinding> used = new HashSet<>();
    for (EntryKey k : keep) used.add(k.provider());
    for (var it = providers.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!used.contains(e.getKey())) {
        it.remove();
        e.getValue().close();
      }
    }
  }

  /** The state of every cached secret, sorted by provider and ref; never a value. */
  public List<SecretStatus> status() {
    List<SecretStatus> out = new ArrayList<>();
    for (SecretEntry e : entries.values()) out.add(e.status());
    out.sort(Comparator.comparing(SecretStatus::provider).thenComparing(SecretStatus::ref));
    return out;
  }

  /** Cancels refreshes, closes watches and providers, and stops the manager's own threads. */
  @Override
  public void close() {
    closed = true;
    for (SecretEntry e : entries.values()) e.close();
    entries.clear();
    for (ProviderHandle h : providers.values()) h.close();
    providers.clear();
    if (ownsScheduler) Scheduler.close(scheduler);
    if (ownedExecutor != null) ownedExecutor.shutdownNow();
  }

  /** A reader of a value written in the configuration. */
  private record ConstantReader(Secret value) implements SecretReader {
    @Override
    public Secret current() {
      return value;
    }

    @Override
    public Secret await(Duration timeout) {
      return value;
    }

    @Override
    public CompletableFuture<Secret> reportRejected(Secret rejected) {
      return CompletableFuture.completedFuture(value);
    }

    @Override
    public Optional<Secret> previous() {
      return Optional.empty();
    }

    @Override
    public String description() {
      return "inline";
    }

    @Override
    public boolean isConstant() {
      return true;
    }

    @Override
    public String toString() {
      return "SecretReader{inline}";
    }
  }

  /** Configures a {@link SecretManager}. Every setting has a default; see each method. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler;
    private Executor fetchExecutor;
    private PrometheusRegistry registry;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(2);
    private Duration fetchTimeout = Duration.ofSeconds(30);
    private Duration rejectedRefreshInterval = Duration.ofSeconds(10);
    private Duration rotationFallback = Duration.ofMinutes(5);
    private double jitter = 0.1;

    private Builder() {}

    /** Time source for schedules, ages and fallbacks. Default: the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Runs refreshes and retries. Default: one daemon thread, stopped by {@link #close()}. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler);
      return this;
    }

    /** Runs provider calls. Default: a cached pool of daemon threads, stopped by {@link #close()}. */
    public Builder fetchExecutor(Executor executor) {
      this.fetchExecutor = Objects.requireNonNull(executor);
      return this;
    }

    /** Where the {@code remote_secret_*} metrics are registered. Default: a private registry. */
    public Builder registry(PrometheusRegistry registry) {
      this.registry = Objects.requireNonNull(registry);
      return this;
    }

    /** First retry delay after a failed fetch, doubled per failure up to {@link #maxBackoff}. Default 1 s. */
    public Builder initialBackoff(Duration d) {
      this.initialBackoff = positive(d, "initialBackoff");
      return this;
    }

    /** Longest retry delay. Default 2 min. */
    public Builder maxBackoff(Duration d) {
      this.maxBackoff = positive(d, "maxBackoff");
      return this;
    }

    /** The deadline given to providers. Default 30 s. */
    public Builder fetchTimeout(Duration d) {
      this.fetchTimeout = positive(d, "fetchTimeout");
      return this;
    }

    /** Minimum time between two forced refreshes of one secret. Default 10 s. */
    public Builder rejectedRefreshInterval(Duration d) {
      this.rejectedRefreshInterval = Objects.requireNonNull(d);
      return this;
    }

    /** How long the value before a rotation stays available as a fallback. Default 5 min. */
    public Builder rotationFallback(Duration d) {
      this.rotationFallback = Objects.requireNonNull(d);
      return this;
    }

    /**
     * Fraction by which refresh and retry delays are shortened at random, to spread load.
     * Default 0.1; 0 makes schedules exact (tests).
     */
    public Builder jitter(double fraction) {
      if (fraction < 0 || fraction >= 1) throw new IllegalArgumentException("jitter must be in [0, 1): " + fraction);
      this.jitter = fraction;
      return this;
    }

    public SecretManager build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("maxBackoff must not be shorter than initialBackoff");
      }
      return new SecretManager(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive: " + d);
      return d;
    }
  }
}
