package io.remotesecrets.kubernetes;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.remotesecrets.Secret;
import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretFetchException.Reason;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretWatcher;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Kubernetes Secrets and keeps the watched ones current.
 *
 * <h2>Requests</h2>
 *
 * <ul>
 *   <li>{@link #fetch} of a Secret nobody watches yet: one GET of that Secret.
 *   <li>{@link #watch}: one WATCH per Secret (not per key, not per namespace), with the field
 *       selector {@code metadata.name=<name>}, so that a Role can grant {@code list} and
 *       {@code watch} on named Secrets only ({@code resourceNames}). The watch starts from the
 *       resourceVersion of the preceding GET, so nothing between the two is missed.
 *   <li>While a watch is open, {@link #fetch} answers from the watched state, without a request.
 *   <li>When a watch ends (the API server closes watches every 30 to 60 minutes; a network
 *       failure; {@code 410 Gone}), the Secret is LISTed again with the same field selector, which
 *       also tells whether it still exists, and a new watch starts from the list's
 *       resourceVersion. Failed attempts are retried with exponential backoff.
 *   <li>Every watch is renewed after a random 5 to 10 minutes, from its last resourceVersion,
 *       in case its connection died unnoticed.
 * </ul>
 *
 * <h2>Pushes</h2>
 *
 * A watcher gets {@link SecretWatcher#changed} when its key's value changes or comes back, and
 * {@link SecretWatcher#failed} once when the Secret or key is deleted or access is refused.
 * Callbacks run on one thread per provider, in event order, with no lock held.
 *
 * <p>Thread-safe.
 */
final class KubernetesSecretProvider implements SecretProvider {
  private static final Logger log = LoggerFactory.getLogger(KubernetesSecretProvider.class);

  /**
   * Reconnect backoff of watches (the first retry after {@code initialBackoff}, doubling up to
   * {@code maxBackoff}), and how long one watch connection is trusted: each is renewed after a
   * random time between {@code watchRenewal} and twice that, as client-go's reflectors do, so
   * that a connection that died without anyone noticing (a half-open TCP connection behind a
   * load balancer) cannot keep a stale value forever.
   */
  record Timings(Duration initialBackoff, Duration maxBackoff, Duration watchRenewal) {
    static final Timings DEFAULT = new Timings(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(5));
  }

  /** A Secret as last seen: absent, or its data (base64, as the API returns it). */
  record Snapshot(boolean exists, Map<String, String> data, String resourceVersion) {
    static Snapshot of(io.fabric8.kubernetes.api.model.Secret s) {
      Map<String, String> data = s.getData() == null ? Map.of() : Map.copyOf(s.getData());
      return new Snapshot(true, data, s.getMetadata() == null ? null : s.getMetadata().getResourceVersion());
    }

    static Snapshot absent(String resourceVersion) {
      return new Snapshot(false, Map.of(), resourceVersion);
    }

    @Override
    public String toString() {
      return exists ? "Snapshot{keys=" + new TreeSet<>(data.keySet()) + ", rv=" + resourceVersion + "}" : "Snapshot{absent}";
    }
  }

  record StreamKey(String namespace, String name) {}

  private final String providerName;
  /** The manager's clock, which deadlines are measured on. */
  private final Clock clock;
  private final KubernetesClient client;
  private final ClientSettings settings;
  private final Timings timings;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService delivery;
  private final Map<StreamKey, Stream> streams = new HashMap<>();
  private final Map<StreamKey, Snapshot> seeds = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private KubernetesSecretProvider(String providerName, Clock clock, KubernetesClient client, ClientSettings settings,
      Timings timings) {
    this.providerName = providerName;
    this.clock = clock;
    this.client = client;
    this.settings = settings;
    this.timings = timings;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "remote-secrets-kubernetes-watch-" + providerName));
    this.delivery = Executors.newSingleThreadExecutor(r -> daemon(r, "remote-secrets-kubernetes-push-" + providerName));
  }

  static KubernetesSecretProvider start(KubernetesProviderConfig config, ProviderContext context, Environment env,
      Timings timings) throws SecretFetchException {
    ClientSettings settings = ClientSettings.of(config, context, env);
    KubernetesClient client;
    try {
      client = new KubernetesClientBuilder().withConfig(settings.config).build();
    } catch (KubernetesClientException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE, "cannot create the Kubernetes client: "
          + e.getClass().getSimpleName(), e);
    }
    log.debug("kubernetes secret provider {} started: api server {}, default namespace {}", context.name(),
        settings.config.getMasterUrl(), settings.defaultNamespace);
    return new KubernetesSecretProvider(context.name(), context.clock(), client, settings, timings);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public Secret fetch(String ref, Instant deadline) throws SecretFetchException {
    SecretRef r = parse(ref);
    String ns = namespace(r);
    StreamKey key = new StreamKey(ns, r.name());
    Stream stream;
    synchronized (this) {
      if (closed) throw new SecretFetchException(Reason.UNAVAILABLE, "provider closed");
      stream = streams.get(key);
    }
    if (stream != null) {
      Optional<Snapshot> watched = stream.syncedSnapshot();
      if (watched.isPresent()) return select(watched.get(), ns, r);
    }
    if (clock.instant().isAfter(deadline)) {
      throw new SecretFetchException(Reason.UNAVAILABLE, "deadline passed before reading " + describe(ns, r));
    }
    Snapshot snapshot;
    try {
      io.fabric8.kubernetes.api.model.Secret s = client.secrets().inNamespace(ns).withName(r.name()).get();
      snapshot = s == null ? Snapshot.absent(null) : Snapshot.of(s);
    } catch (KubernetesClientException e) {
      throw apiError(e, "get", ns, r);
    }
    if (snapshot.exists()) seeds.put(key, snapshot);
    return select(snapshot, ns, r);
  }

  @Override
  public Optional<Watch> watch(String ref, SecretWatcher watcher) {
    SecretRef r;
    String ns;
    try {
      r = parse(ref);
      ns = namespace(r);
    } catch (SecretFetchException e) {
      return Optional.empty();
    }
    StreamKey key = new StreamKey(ns, r.name());
    Stream stream;
    Subscriber sub;
    synchronized (this) {
      if (closed) return Optional.empty();
      stream = streams.get(key);
      boolean created = stream == null;
      if (created) {
        stream = new Stream(key);
        streams.put(key, stream);
      }
      sub = stream.subscribe(r, watcher);
      if (created) stream.start(seeds.remove(key));
      else stream.publish();
    }
    Stream s = stream;
    return Optional.of(() -> unsubscribe(s, sub));
  }

  private void unsubscribe(Stream stream, Subscriber sub) {
    sub.closed = true;
    boolean last;
    synchronized (this) {
      last = stream.unsubscribe(sub);
      if (last) streams.remove(stream.key, stream);
    }
    // Outside the lock: closing a WebSocket may wait for the server.
    if (last) stream.close();
  }

  @Override
  public void close() {
    List<Stream> all;
    synchronized (this) {
      if (closed) return;
      closed = true;
      all = new ArrayList<>(streams.values());
      streams.clear();
    }
    for (Stream s : all) s.close();
    scheduler.shutdownNow();
    delivery.shutdownNow();
    client.close();
  }

  /** Number of Secrets watched now; for tests and status. */
  synchronized int watchedSecrets() {
    return streams.size();
  }

  private static SecretRef parse(String ref) throws SecretFetchException {
    try {
      return SecretRef.parse(ref);
    } catch (IllegalArgumentException e) {
      throw new SecretFetchException(Reason.INVALID_REF, "invalid ref: " + e.getMessage());
    }
  }

  private String namespace(SecretRef r) throws SecretFetchException {
    if (r.namespace() != null) return r.namespace();
    if (settings.defaultNamespace != null) return settings.defaultNamespace;
    throw new SecretFetchException(Reason.INVALID_REF, "no namespace for Secret \"" + r.name() + "\": "
        + settings.noNamespaceReason);
  }

  static String describe(String ns, SecretRef r) {
    return "Secret \"" + r.name() + "\" in namespace \"" + ns + "\"" + (r.key() == null ? "" : ", key \"" + r.key() + "\"");
  }

  /** The value a ref names in a snapshot, or why there is none. Never puts a value in a message. */
  static Secret select(Snapshot s, String ns, SecretRef r) throws SecretFetchException {
    if (!s.exists()) throw notFound(ns, r);
    String encoded;
    if (r.key() == null) {
      if (s.data().size() != 1) {
        throw new SecretFetchException(Reason.NOT_FOUND, "Secret \"" + r.name() + "\" in namespace \"" + ns + "\" has "
            + (s.data().isEmpty() ? "no data keys" : s.data().size() + " data keys (" + String.join(", ", new TreeSet<>(s.data().keySet())) + ")")
            + "; a ref without a key needs exactly one; write " + r.name() + "/<key>");
      }
      encoded = s.data().values().iterator().next();
    } else {
      encoded = s.data().get(r.key());
      if (encoded == null) {
        throw new SecretFetchException(Reason.NOT_FOUND, "key \"" + r.key() + "\" not found in Secret \"" + r.name()
            + "\" in namespace \"" + ns + "\"; its keys: "
            + (s.data().isEmpty() ? "none" : String.join(", ", new TreeSet<>(s.data().keySet()))));
      }
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE, describe(ns, r) + ": data is not valid base64");
    }
    String v = new String(bytes, StandardCharsets.UTF_8);
    // As the file provider does: `kubectl create secret --from-file` keeps the file's final newline.
    int end = v.length();
    while (end > 0 && (v.charAt(end - 1) == '\n' || v.charAt(end - 1) == '\r')) end--;
    return Secret.of(v.substring(0, end));
  }

  private static SecretFetchException notFound(String ns, SecretRef r) {
    return new SecretFetchException(Reason.NOT_FOUND, "Secret \"" + r.name() + "\" not found in namespace \"" + ns
        + "\"" + (r.key() == null ? "" : " (wanted key \"" + r.key() + "\")"));
  }

  private SecretFetchException apiError(KubernetesClientException e, String verb, String ns, SecretRef r) {
    int code = e.getCode();
    String what = describe(ns, r);
    return switch (code) {
      case 401 -> new SecretFetchException(Reason.PERMISSION_DENIED, "cannot " + verb + " " + what
          + ": unauthorized (HTTP 401): the API server rejected the provider's credentials");
      case 403 -> new SecretFetchException(Reason.PERMISSION_DENIED, "cannot " + verb + " " + what
          + ": forbidden (HTTP 403): grant get, list and watch on this Secret to the provider's identity "
          + "(a Role with resourceNames: [" + r.name() + "] in namespace " + ns + ")");
      case 404 -> notFound(ns, r);
      default -> code <= 0 ? transportError(e, verb, what) : new SecretFetchException(Reason.UNAVAILABLE, "cannot " + verb + " " + what + ": HTTP " + code
          + (e.getStatus() != null && e.getStatus().getReason() != null ? " " + e.getStatus().getReason() : ""), e);
    };
  }

  /**
   * JDK 21+ prefix handshake messages with the TLS alert ("(certificate_unknown) PKIX path
   * building failed ..."); the cause reads the same on every JDK without it.
   */
  static String withoutAlertName(String message) {
    if (message == null) return "";
    return message.startsWith("(") && message.indexOf(") ") > 0 ? message.substring(message.indexOf(") ") + 2) : message;
  }

  /** No HTTP status: the request never got an answer. */
  private SecretFetchException transportError(KubernetesClientException e, String verb, String what) {
    String server = settings.config.getMasterUrl();
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SSLException) {
        // The JDK's handshake messages say what is wrong ("PKIX path building failed ...") and hold no secret.
        return new SecretFetchException(Reason.UNAVAILABLE, "cannot " + verb + " " + what + ": TLS handshake with API server "
            + server + " failed: " + withoutAlertName(c.getMessage()) + " (check tls_config.ca, or the service account's ca.crt)", e);
      }
    }
    // Name the most telling cause: the first that is not a generic wrapper (ConnectException,
    // UnknownHostException, HttpTimeoutException...), else the innermost.
    Throwable telling = null;
    for (Throwable c = e.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
      telling = c;
      if (c.getClass() != java.io.IOException.class && !(c instanceof KubernetesClientException)) break;
    }
    return new SecretFetchException(Reason.UNAVAILABLE, "cannot " + verb + " " + what + ": API server " + server
        + " unreachable: " + (telling == null ? e : telling).getClass().getSimpleName(), e);
  }

  private Duration backoff(int failures) {
    long base = timings.initialBackoff().toMillis();
    long d = Math.min(timings.maxBackoff().toMillis(), base << Math.min(Math.max(failures - 1, 0), 20));
    return Duration.ofMillis((long) (d * (1 - 0.1 * ThreadLocalRandom.current().nextDouble())));
  }

  /** A watcher of one key (or of the only key) of a watched Secret. Touched by the push thread only. */
  private static final class Subscriber {
    final SecretRef ref;
    final SecretWatcher watcher;
    volatile boolean closed;
    Secret last;
    boolean failed;

    Subscriber(SecretRef ref, SecretWatcher watcher) {
      this.ref = ref;
      this.watcher = watcher;
    }
  }

  /** The watch of one Secret and its subscribers. */
  private final class Stream {
    final StreamKey key;
    private final List<Subscriber> subscribers = new ArrayList<>();
    // Guarded by this.
    private Snapshot snapshot;
    private boolean synced;
    private io.fabric8.kubernetes.client.Watch watch;
    private long generation;
    private int failures;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> renewal;
    private SecretFetchException connectionError;
    private boolean closed;

    Stream(StreamKey key) {
      this.key = key;
    }

    synchronized Subscriber subscribe(SecretRef r, SecretWatcher w) {
      Subscriber s = new Subscriber(r, w);
      subscribers.add(s);
      return s;
    }

    /** Returns true when no subscriber is left. */
    synchronized boolean unsubscribe(Subscriber s) {
      subscribers.remove(s);
      return subscribers.isEmpty();
    }

    synchronized Optional<Snapshot> syncedSnapshot() {
      return synced && snapshot != null ? Optional.of(snapshot) : Optional.empty();
    }

    void start(Snapshot seed) {
      submit(() -> {
        if (seed != null) watchFrom(seed);
        else relist();
      }, Duration.ZERO);
    }

    private void submit(Runnable task, Duration delay) {
      synchronized (this) {
        if (closed) return;
        try {
          retry = scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          // The provider is closing.
        }
      }
    }

    /** LIST by name: the current state, including absence, and a resourceVersion to watch from. */
    private void relist() {
      SecretList list;
      try {
        list = client.secrets().inNamespace(key.namespace()).withField("metadata.name", key.name()).list();
      } catch (KubernetesClientException e) {
        connectFailed(e, "list");
        return;
      }
      String rv = list.getMetadata() == null ? null : list.getMetadata().getResourceVersion();
      Snapshot s = list.getItems().stream().filter(i -> i.getMetadata() != null && key.name().equals(i.getMetadata().getName()))
          .findFirst().map(Snapshot::of).orElse(Snapshot.absent(rv));
      watchFrom(new Snapshot(s.exists(), s.data(), rv != null ? rv : s.resourceVersion()));
    }

    private void watchFrom(Snapshot start) {
      long gen;
      synchronized (this) {
        if (closed) return;
        snapshot = start;
        gen = ++generation;
      }
      io.fabric8.kubernetes.client.Watch w;
      EventHandler handler = new EventHandler(gen);
      try {
        w = client.secrets().inNamespace(key.namespace()).withField("metadata.name", key.name())
            .watch(new ListOptionsBuilder().withResourceVersion(start.resourceVersion()).build(), handler);
      } catch (KubernetesClientException e) {
        connectFailed(e, "watch");
        return;
      }
      boolean recovered;
      synchronized (this) {
        if (closed || gen != generation || handler.ended) {
          // Closed meanwhile; if the connection ended, its handler has already scheduled a re-list.
          w.close();
          return;
        }
        watch = w;
        synced = true;
        failures = 0;
        recovered = connectionError != null;
        connectionError = null;
        long age = timings.watchRenewal().toMillis();
        try {
          renewal = scheduler.schedule(() -> renew(gen), age + ThreadLocalRandom.current().nextLong(age + 1),
              TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          // The provider is closing.
        }
      }
      if (recovered) log.info("watching {} again", describe(key.namespace(), new SecretRef(null, key.name(), null)));
      publish();
    }

    /**
     * Replaces a watch that has been open long enough with a new one from the last seen
     * resourceVersion: one request, and the API server replays whatever happened in between
     * (or answers 410 Gone, which re-lists). Fetches keep being served meanwhile.
     */
    private void renew(long gen) {
      io.fabric8.kubernetes.client.Watch old;
      Snapshot from;
      synchronized (this) {
        if (closed || gen != generation || !synced) return;
        old = watch;
        watch = null;
        from = snapshot;
      }
      log.debug("kubernetes provider {}: renewing the watch of Secret {}/{}", providerName, key.namespace(), key.name());
      if (old != null) old.close();
      watchFrom(from);
    }

    private void connectFailed(KubernetesClientException e, String verb) {
      SecretFetchException error = apiError(e, verb, key.namespace(), new SecretRef(null, key.name(), null));
      Duration delay;
      boolean denied = error.reason() == Reason.PERMISSION_DENIED;
      synchronized (this) {
        if (closed) return;
        synced = false;
        failures++;
        delay = backoff(failures);
        connectionError = error;
      }
      log.warn("kubernetes provider {}: {}; retrying in {} ms", providerName, error.getMessage(), delay.toMillis());
      // Access refused: the value we hold may no longer be ours to use. Other failures (network,
      // API server restart) say nothing about the Secret, so the value stays fresh until a fetch fails.
      if (denied) publishFailure(error);
      submit(this::relist, delay);
    }

    /** Hands the current state to every subscriber, on the push thread, if the watch is open. */
    void publish() {
      execute(() -> {
        Snapshot s;
        List<Subscriber> subs;
        synchronized (this) {
          // Only an open watch's state is current; while (re)connecting, subscribers keep what they have.
          s = synced ? snapshot : null;
          subs = List.copyOf(subscribers);
        }
        if (s == null) return;
        for (Subscriber sub : subs) {
          if (sub.closed) continue;
          try {
            Secret v = select(s, key.namespace(), sub.ref);
            if (sub.failed || !v.equals(sub.last)) {
              sub.last = v;
              sub.failed = false;
              sub.watcher.changed(v);
            }
          } catch (SecretFetchException e) {
            if (!sub.failed) {
              sub.failed = true;
              sub.watcher.failed(e);
            }
          }
        }
      });
    }

    private void publishFailure(SecretFetchException error) {
      execute(() -> {
        List<Subscriber> subs;
        synchronized (this) {
          subs = List.copyOf(subscribers);
        }
        for (Subscriber sub : subs) {
          if (!sub.closed && !sub.failed) {
            sub.failed = true;
            sub.watcher.failed(error);
          }
        }
      });
    }

    private void execute(Runnable r) {
      try {
        delivery.execute(() -> {
          try {
            r.run();
          } catch (RuntimeException e) {
            log.warn("kubernetes provider {}: a secret watcher failed: {}", providerName, e.getClass().getName());
          }
        });
      } catch (RejectedExecutionException e) {
        // The provider is closing.
      }
    }

    void close() {
      io.fabric8.kubernetes.client.Watch w;
      synchronized (this) {
        closed = true;
        synced = false;
        w = watch;
        watch = null;
        if (retry != null) retry.cancel(false);
        if (renewal != null) renewal.cancel(false);
      }
      if (w != null) w.close();
    }

    /** Events of one watch connection; stale ones (an older generation) are ignored. */
    private final class EventHandler implements Watcher<io.fabric8.kubernetes.api.model.Secret> {
      private final long gen;
      /** Set when the connection ended; guarded by the stream. */
      boolean ended;

      EventHandler(long gen) {
        this.gen = gen;
      }

      @Override
      public void eventReceived(Action action, io.fabric8.kubernetes.api.model.Secret resource) {
        synchronized (Stream.this) {
          if (closed || gen != generation) return;
          switch (action) {
            case ADDED, MODIFIED -> snapshot = Snapshot.of(resource);
            case DELETED -> snapshot = Snapshot.absent(resource == null || resource.getMetadata() == null
                ? null : resource.getMetadata().getResourceVersion());
            case BOOKMARK -> {
              if (resource != null && resource.getMetadata() != null) {
                snapshot = new Snapshot(snapshot.exists(), snapshot.data(), resource.getMetadata().getResourceVersion());
              }
              return;
            }
            default -> {
              return;
            }
          }
          // Events that arrive while the watch is being opened are published once it is open.
          if (!synced) return;
        }
        log.debug("kubernetes provider {}: {} {}/{}", providerName, action, key.namespace(), key.name());
        publish();
      }

      @Override
      public void onClose(WatcherException cause) {
        Duration delay;
        synchronized (Stream.this) {
          if (closed || gen != generation) return;
          ended = true;
          synced = false;
          watch = null;
          if (renewal != null) renewal.cancel(false);
          // 410 Gone: our resourceVersion is too old; re-list at once. Otherwise back off.
          delay = cause.isHttpGone() ? Duration.ZERO : backoff(++failures);
        }
        log.info("kubernetes provider {}: watch of Secret {}/{} ended ({}); re-listing in {} ms", providerName,
            key.namespace(), key.name(), cause.isHttpGone() ? "410 Gone" : "connection closed", delay.toMillis());
        submit(Stream.this::relist, delay);
      }

      @Override
      public void onClose() {
        // Closed by us.
      }
    }
  }
}
