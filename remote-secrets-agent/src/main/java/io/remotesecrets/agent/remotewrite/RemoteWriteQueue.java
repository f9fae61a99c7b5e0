package io.remotesecrets.agent.remotewrite;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.relabel.RelabelConfig;
import io.remotesecrets.agent.remotewrite.proto.Label;
import io.remotesecrets.agent.remotewrite.proto.TimeSeries;
import io.remotesecrets.agent.remotewrite.proto.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xerial.snappy.Snappy;

/**
 * The queue of one remote_write endpoint: samples are write-relabelled, sharded by series,
 * batched, encoded as a Prometheus remote_write 1.0 {@code WriteRequest} (protobuf, snappy block
 * compression) and sent through a {@link Sender}.
 *
 * <p><b>Bounded memory.</b> Each shard holds at most {@link QueueConfig#capacity()} samples plus
 * the batch being sent. {@link #append} never blocks: a sample that finds its shard full is
 * dropped and counted in {@code prometheus_remote_storage_samples_dropped_total}, as are samples
 * dropped by {@code write_relabel_configs} and samples still queued when {@link #close()} gives up.
 *
 * <p><b>Retries.</b> A 5xx response, a 429 when {@code retry_on_http_429} is set, and a failed
 * send (connection refused, timeout) are retried forever, waiting {@code min_backoff} doubling up
 * to {@code max_backoff}, or what a {@code Retry-After} header says; every retry counts the batch
 * in {@code samples_retried_total}. Any other non-2xx response is not retried: the batch counts in
 * {@code samples_failed_total}. While a shard retries, its buffer fills; samples within it are
 * delivered once the receiver is back.
 *
 * <p><b>Shards.</b> Each shard sends on its own daemon thread. The queue starts with
 * {@code min_shards} and, every shard update interval (10s, as Prometheus), computes the shards
 * it needs as Prometheus's {@code calculateDesiredShards} does: the time one sample takes to
 * send times the rate samples come in (plus 5% of the backlog per second), kept between
 * {@code min_shards} and {@code max_shards}, changed only when 30% off, and not while sends are
 * failing. On a change, new shards take new samples but send only once the old shards have sent
 * what they held, so within a series samples are always sent in append order. Thread-safe.
 */
public final class RemoteWriteQueue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteWriteQueue.class);

  private final String name;
  private final URI url;
  private final String urlLabel;
  private final QueueConfig config;
  private final List<RelabelConfig> writeRelabelConfigs;
  private final Labels externalLabels;
  private final Sender sender;
  private final Duration remoteTimeout;
  private final Duration flushDeadline;
  private final Map<String, String> headers;
  private final String userAgent;
  private final Clock clock;
  private final RemoteWriteMetrics metrics;
  /** This queue's children of the metrics {@link #append} updates per sample, looked up once. */
  private final io.prometheus.metrics.core.datapoints.GaugeDataPoint pendingSamples;
  private final io.prometheus.metrics.core.datapoints.CounterDataPoint droppedSamples;
  private volatile Shard[] shards;
  private final java.util.Set<Shard> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Duration shardUpdateInterval;
  private final Thread resharder;
  private final java.util.concurrent.atomic.LongAdder samplesIn = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder samplesOut = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder sendNanos = new java.util.concurrent.atomic.LongAdder();
  private volatile long lastSendNanos = System.nanoTime();
  private final AtomicBoolean closed = new AtomicBoolean();
  private static final int MAX_RELABEL_CACHE = 200_000;
  private static final Labels DROPPED = Labels.of("__dropped__", "true");
  private final java.util.concurrent.ConcurrentHashMap<Labels, Labels> relabelled = new java.util.concurrent.ConcurrentHashMap<>();

  private RemoteWriteQueue(Builder b) {
    this.name = b.name;
    this.url = b.url;
    this.urlLabel = redacted(b.url);
    this.config = b.config;
    this.writeRelabelConfigs = List.copyOf(b.writeRelabelConfigs);
    this.externalLabels = b.externalLabels;
    this.sender = b.sender;
    this.remoteTimeout = b.remoteTimeout;
    this.flushDeadline = b.flushDeadline;
    this.headers = Map.copyOf(b.headers);
    this.userAgent = b.userAgent;
    this.clock = b.clock;
    this.metrics = RemoteWriteMetrics.on(b.registry);
    metrics.add(name, urlLabel);
    metrics.shardCapacity.labelValues(name, urlLabel).set(config.capacity());
    metrics.shardsMax.labelValues(name, urlLabel).set(config.maxShards());
    metrics.shardsMin.labelValues(name, urlLabel).set(config.minShards());
    metrics.shardsDesired.labelValues(name, urlLabel).set(config.minShards());
    metrics.shards.labelValues(name, urlLabel).set(config.minShards());
    metrics.maxSamplesPerSend.labelValues(name, urlLabel).set(config.maxSamplesPerSend());
    metrics.samplesTotal.initLabelValues(name, urlLabel);
    metrics.failedSamplesTotal.initLabelValues(name, urlLabel);
    metrics.retriedSamplesTotal.initLabelValues(name, urlLabel);
    droppedSamples = metrics.droppedSamplesTotal.labelValues(name, urlLabel);
    metrics.bytesTotal.initLabelValues(name, urlLabel);
    pendingSamples = metrics.pendingSamples.labelValues(name, urlLabel); // not reset: a predecessor of the same name may still hold samples
    this.shardUpdateInterval = b.shardUpdateInterval;
    this.shards = startShards(config.minShards(), null);
    this.resharder = new Thread(this::reshardLoop, "remote-write-" + name + "-resharder");
    resharder.setDaemon(true);
    resharder.start();
  }

  private Shard[] startShards(int n, java.util.concurrent.CountDownLatch predecessors) {
    Shard[] fresh = new Shard[n];
    for (int i = 0; i < n; i++) {
      fresh[i] = new Shard(i, predecessors);
      Thread t = new Thread(fresh[i]::run, "remote-write-" + name + "-shard-" + i);
      t.setDaemon(true);
      fresh[i].thread = t;
      live.add(fresh[i]);
    }
    for (Shard s : fresh) s.thread.start();
    return fresh;
  }

  // ---- resharding -------------------------------------------------------------------------

  private static final double EWMA_WEIGHT = 0.2;
  private static final double SHARD_TOLERANCE = 0.3;

  private void reshardLoop() {
    double inRate = -1;
    double outRate = -1;
    double outDuration = -1;
    long lastIn = 0;
    long lastOut = 0;
    long lastNanos = 0;
    try {
      while (!closed.get()) {
        Thread.sleep(shardUpdateInterval.toMillis());
        double secs = shardUpdateInterval.toNanos() / 1e9;
        long in = samplesIn.sum();
        long out = samplesOut.sum();
        long nanos = sendNanos.sum();
        inRate = ewma(inRate, (in - lastIn) / secs);
        outRate = ewma(outRate, (out - lastOut) / secs);
        outDuration = ewma(outDuration, (nanos - lastNanos) / 1e9 / secs);
        lastIn = in;
        lastOut = out;
        lastNanos = nanos;
        Integer n = desiredShards(inRate, outRate, outDuration);
        if (n != null) reshard(n);
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  private static double ewma(double previous, double sample) {
    return previous < 0 ? sample : EWMA_WEIGHT * sample + (1 - EWMA_WEIGHT) * previous;
  }

  /** Prometheus's calculateDesiredShards; null to keep the current number. */
  private Integer desiredShards(double inRate, double outRate, double outDuration) {
    int current = shards.length;
    if (outRate <= 0) return null;
    double timePerSample = outDuration / outRate;
    double backlogCatchup = 0.05 * Math.max(0, pending());
    double desired = timePerSample * (inRate + backlogCatchup);
    int n = (int) Math.ceil(desired);
    n = Math.max(config.minShards(), Math.min(config.maxShards(), n));
    metrics.shardsDesired.labelValues(name, urlLabel).set(n);
    if (desired > current * (1 - SHARD_TOLERANCE) && desired < current * (1 + SHARD_TOLERANCE)) return null;
    if (n == current) return null;
    // Sends are failing: more shards would not help, and old shards could not drain.
    if (System.nanoTime() - lastSendNanos > 2 * config.batchSendDeadline().toNanos() + shardUpdateInterval.toNanos()) return null;
    return n;
  }

  /** Switches to {@code n} shards; the new ones send once the old ones have sent all they held. */
  synchronized void reshard(int n) {
    if (closed.get()) return;
    Shard[] old = shards;
    java.util.concurrent.CountDownLatch oldDone = new java.util.concurrent.CountDownLatch(old.length);
    for (Shard s : old) {
      s.successorLatch = oldDone;
      if (!s.thread.isAlive()) s.signalSuccessors(); // died earlier: nothing to wait for
    }
    shards = startShards(n, oldDone);
    for (Shard s : old) s.stop(Long.MAX_VALUE);
    metrics.shards.labelValues(name, urlLabel).set(n);
    log.info("remote_write {} ({}): resharding from {} to {} shards", name, urlLabel, old.length, n);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The {@code remote_name} label value. */
  public String name() {
    return name;
  }

  public URI url() {
    return url;
  }

  /**
   * Adds one sample: external labels are added (where the series lacks them), write relabelling
   * is applied, and the sample is queued on its series' shard. Never blocks.
   *
   * @return true if queued; false if dropped by relabelling, because the shard is full, or
   *     because the queue is closed (each counted in {@code samples_dropped_total})
   */
  public boolean append(Labels series, long timestampMs, double value) {
    Labels out = series;
    if (!externalLabels.isEmpty() || !writeRelabelConfigs.isEmpty()) {
      // A series is relabelled once, not once per sample (as Prometheus does per WAL series).
      out = relabelled.get(series);
      if (out == null) {
        out = relabel(series);
        if (relabelled.size() >= MAX_RELABEL_CACHE) relabelled.clear();
        relabelled.put(series, out);
      }
      if (out == DROPPED) out = null;
    }
    metrics.observeIn(timestampMs);
    if (out == null || closed.get()) {
      droppedSamples.inc();
      return false;
    }
    int h = out.hashCode() * 0x9E3779B9;
    h ^= h >>> 16;
    Pending p = new Pending(out, timestampMs, value);
    while (true) {
      Shard[] current = shards;
      int result = current[Math.floorMod(h, current.length)].offer(p);
      if (result == Shard.STOPPING && !closed.get()) continue; // resharded meanwhile: use the new shards
      if (result != Shard.QUEUED) {
        droppedSamples.inc();
        return false;
      }
      samplesIn.increment();
      pendingSamples.inc();
      return true;
    }
  }

  /** {@link #append(Labels, long, double)} for a {@link io.remotesecrets.agent.model.Sample}. */
  public boolean append(io.remotesecrets.agent.model.Sample sample) {
    return append(sample.labels(), sample.timestampMs(), sample.value());
  }

  private Labels relabel(Labels series) {
    Labels out = series;
    if (!externalLabels.isEmpty()) {
      Labels.Builder b = series.toBuilder();
      externalLabels.forEach((n, v) -> {
        if (!series.has(n)) b.set(n, v);
      });
      out = b.build();
    }
    if (!writeRelabelConfigs.isEmpty()) out = RelabelConfig.process(out, writeRelabelConfigs);
    return out == null ? DROPPED : out;
  }

  /**
   * Stops accepting samples and sends what is queued, waiting at most the flush deadline
   * (default 1 minute, as Prometheus's {@code --storage.remote.flush-deadline}); samples still
   * queued then are dropped and counted. Removes this queue's metric series. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    resharder.interrupt();
    try {
      resharder.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long deadline = System.nanoTime() + flushDeadline.toNanos();
    List<Shard> all;
    synchronized (this) {
      all = new ArrayList<>(live);
    }
    for (Shard s : all) s.stop(deadline);
    for (Shard s : all) {
      try {
        s.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      s.thread.interrupt();
    }
    for (Shard s : all) {
      try {
        s.thread.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Shard s : all) {
      int left = s.drainAll();
      if (left > 0) {
        log.warn("remote_write {} ({}): dropped {} samples still queued at shutdown", name, urlLabel, left);
        droppedSamples.inc(left);
      }
    }
    metrics.remove(name, urlLabel);
  }

  /** Samples queued or in flight. */
  public long pending() {
    return (long) pendingSamples.get();
  }

  // ---- shards -----------------------------------------------------------------------------

  record Pending(Labels series, long timestampMs, double value) {}

  private final class Shard {
    static final int QUEUED = 0;
    static final int FULL = 1;
    static final int STOPPING = 2;

    private final int index;
    private final java.util.concurrent.CountDownLatch predecessors;
    volatile java.util.concurrent.CountDownLatch successorLatch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean stopping;
    private long stopDeadline;
    Thread thread;

    Shard(int index, java.util.concurrent.CountDownLatch predecessors) {
      this.index = index;
      this.predecessors = predecessors;
    }

    int offer(Pending p) {
      lock.lock();
      try {
        if (stopping) return STOPPING;
        if (queue.size() >= config.capacity()) return FULL;
        queue.add(p);
        // Wake the shard when its batch starts (to start the deadline) or fills up.
        if (queue.size() == 1 || queue.size() >= config.maxSamplesPerSend()) changed.signal();
        return QUEUED;
      } finally {
        lock.unlock();
      }
    }

    /** Stops taking samples; sends what it holds, giving up at {@code deadline} (System.nanoTime, MAX_VALUE: never). */
    void stop(long deadline) {
      lock.lock();
      try {
        stopping = true;
        stopDeadline = Math.min(stopDeadline == 0 ? Long.MAX_VALUE : stopDeadline, deadline);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    int drainAll() {
      lock.lock();
      try {
        int n = queue.size();
        queue.clear();
        return n;
      } finally {
        lock.unlock();
      }
    }

    void run() {
      try {
        if (predecessors != null) predecessors.await();
        while (true) {
          List<Pending> batch = nextBatch();
          if (batch == null) return;
          try {
            sendWithRetries(batch, this);
          } catch (RuntimeException e) {
            // A bug must not silently stop the shard: count the batch and go on.
            log.error("remote_write {} ({}): dropping {} samples after an unexpected error", name, urlLabel, batch.size(), e);
            metrics.failedSamplesTotal.labelValues(name, urlLabel).inc(batch.size());
          }
        }
      } catch (InterruptedException e) {
        // close() gave up waiting; what is left is counted there.
      } catch (RuntimeException e) {
        log.error("remote_write {} ({}): shard {} stopped", name, urlLabel, index, e);
      } finally {
        live.remove(this);
        signalSuccessors();
      }
    }

    private final AtomicBoolean signalled = new AtomicBoolean();

    void signalSuccessors() {
      java.util.concurrent.CountDownLatch l = successorLatch;
      if (l != null && signalled.compareAndSet(false, true)) l.countDown();
    }

    /** Waits for a full batch or the batch deadline; null when stopped and empty. */
    private List<Pending> nextBatch() throws InterruptedException {
      lock.lockInterruptibly();
      try {
        while (queue.isEmpty()) {
          if (stopping) return null;
          changed.await();
        }
        long wait = config.batchSendDeadline().toNanos();
        while (!stopping && queue.size() < config.maxSamplesPerSend() && wait > 0) {
          wait = changed.awaitNanos(wait);
        }
        int n = Math.min(queue.size(), config.maxSamplesPerSend());
        List<Pending> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) batch.add(queue.poll());
        return batch;
      } finally {
        lock.unlock();
      }
    }

    boolean pastStopDeadline() {
      lock.lock();
      try {
        return stopping && stopDeadline != Long.MAX_VALUE && System.nanoTime() - stopDeadline > 0;
      } finally {
        lock.unlock();
      }
    }
  }

  // ---- sending ----------------------------------------------------------------------------

  private void sendWithRetries(List<Pending> batch, Shard shard) throws InterruptedException {
    int n = batch.size();
    Duration backoff = config.minBackoff();
    try {
      byte[] body = encode(batch);
      while (true) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(url)
            .timeout(remoteTimeout)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(rb::header);
        rb.setHeader("Content-Encoding", "snappy")
            .setHeader("Content-Type", "application/x-protobuf")
            .setHeader("User-Agent", userAgent)
            .setHeader("X-Prometheus-Remote-Write-Version", "0.1.0");
        long start = System.nanoTime();
        Duration retryAfter = null;
        String problem;
        try {
          java.util.concurrent.CompletableFuture<HttpResponse<String>> future;
          try {
            future = Objects.requireNonNull(sender.send(rb.build()), "Sender returned null");
          } catch (RuntimeException e) {
            // A sender that fails before sending (no credentials yet, bad state) is retried too.
            future = java.util.concurrent.CompletableFuture.failedFuture(e);
          }
          HttpResponse<String> response;
          try {
            response = future.get(remoteTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
          }
          long took = System.nanoTime() - start;
          metrics.sentBatchDuration.labelValues(name, urlLabel).observe(took / 1e9);
          sendNanos.add(took);
          int status = response.statusCode();
          if (status / 100 == 2) {
            samplesOut.add(n);
            lastSendNanos = System.nanoTime();
            metrics.samplesTotal.labelValues(name, urlLabel).inc(n);
            metrics.bytesTotal.labelValues(name, urlLabel).inc(body.length);
            long highest = Long.MIN_VALUE;
            for (Pending p : batch) highest = Math.max(highest, p.timestampMs);
            var g = metrics.highestSentTimestamp.labelValues(name, urlLabel);
            g.set(Math.max(g.get(), highest / 1000.0));
            return;
          }
          problem = "server returned HTTP status " + status + ": " + abbreviate(response.body());
          boolean recoverable = status / 100 == 5 || (status == 429 && config.retryOnHttp429());
          if (!recoverable) {
            log.error("remote_write {} ({}): non-recoverable error, dropping {} samples: {}", name, urlLabel, n, problem);
            metrics.failedSamplesTotal.labelValues(name, urlLabel).inc(n);
            return;
          }
          retryAfter = response.headers().firstValue("Retry-After").map(v -> retryAfter(v, clock)).orElse(null);
        } catch (ExecutionException e) {
          metrics.sentBatchDuration.labelValues(name, urlLabel).observe((System.nanoTime() - start) / 1e9);
          // The cause's message may quote the URL; never its password.
          problem = String.valueOf(e.getCause()).replace(url.toString(), urlLabel);
        } catch (TimeoutException e) {
          problem = "no response within " + remoteTimeout;
        }
        if (shard.pastStopDeadline()) {
          log.warn("remote_write {} ({}): shutting down, dropping {} samples: {}", name, urlLabel, n, problem);
          droppedSamples.inc(n);
          return;
        }
        Duration sleep = retryAfter != null && retryAfter.toNanos() > 0 ? retryAfter : backoff;
        log.warn("remote_write {} ({}): failed to send batch, retrying in {}: {}", name, urlLabel, sleep, problem);
        metrics.retriedSamplesTotal.labelValues(name, urlLabel).inc(n);
        Thread.sleep(Math.max(1, sleep.toMillis()));
        backoff = sleep.multipliedBy(2);
        if (backoff.compareTo(config.maxBackoff()) > 0) backoff = config.maxBackoff();
      }
    } finally {
      pendingSamples.dec(n);
    }
  }

  /** A WriteRequest with the batch's samples grouped by series, snappy-compressed. */
  static byte[] encode(List<Pending> batch) {
    Map<Labels, TimeSeries.Builder> bySeries = new LinkedHashMap<>();
    for (Pending p : batch) {
      TimeSeries.Builder ts = bySeries.computeIfAbsent(p.series, s -> {
        TimeSeries.Builder b = TimeSeries.newBuilder();
        for (int i = 0; i < s.size(); i++) b.addLabels(Label.newBuilder().setName(s.name(i)).setValue(s.value(i)));
        return b;
      });
      ts.addSamples(io.remotesecrets.agent.remotewrite.proto.Sample.newBuilder().setTimestamp(p.timestampMs).setValue(p.value));
    }
    WriteRequest.Builder req = WriteRequest.newBuilder();
    for (TimeSeries.Builder ts : bySeries.values()) req.addTimeseries(ts);
    try {
      return Snappy.compress(req.build().toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Retry-After as seconds or an HTTP date; null if unparseable. */
  static Duration retryAfter(String value, Clock clock) {
    String v = value.trim();
    try {
      return Duration.ofSeconds(Long.parseLong(v));
    } catch (NumberFormatException e) {
      try {
        return Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  /** The URL with any password replaced by {@code xxxxx}, as Go's {@code URL.Redacted()}: for labels and logs. */
  static String redacted(URI url) {
    return io.remotesecrets.config.Urls.redact(url.toString());
  }

  private static String abbreviate(String body) {
    if (body == null) return "";
    String b = body.strip();
    return b.length() > 256 ? b.substring(0, 256) + "..." : b;
  }

  /** Configures a {@link RemoteWriteQueue}. Not thread-safe. */
  public static final class Builder {
    private String name;
    private URI url;
    private QueueConfig config = QueueConfig.DEFAULT;
    private List<RelabelConfig> writeRelabelConfigs = List.of();
    private Labels externalLabels = Labels.empty();
    private Sender sender;
    private PrometheusRegistry registry;
    private Duration remoteTimeout = Duration.ofSeconds(30);
    private Duration flushDeadline = Duration.ofMinutes(1);
    private Map<String, String> headers = Map.of();
    private String userAgent = "remote-secrets-agent";
    private Clock clock = Clock.systemUTC();
    private Duration shardUpdateInterval = Duration.ofSeconds(10);

    private Builder() {}

    /** How often the number of shards is recomputed (default 10s, as Prometheus); for tests. */
    Builder shardUpdateInterval(Duration interval) {
      this.shardUpdateInterval = interval;
      return this;
    }

    /** The {@code remote_name} label; Prometheus uses the config's {@code name} or a hash of the config. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder url(URI url) {
      this.url = url;
      return this;
    }

    public Builder queueConfig(QueueConfig config) {
      this.config = config;
      return this;
    }

    public Builder writeRelabelConfigs(List<RelabelConfig> configs) {
      this.writeRelabelConfigs = configs;
      return this;
    }

    /** Labels added to every series that lacks them, before write relabelling (as Prometheus). */
    public Builder externalLabels(Labels labels) {
      this.externalLabels = labels;
      return this;
    }

    public Builder sender(Sender sender) {
      this.sender = sender;
      return this;
    }

    public Builder registry(PrometheusRegistry registry) {
      this.registry = registry;
      return this;
    }

    /** Per-request timeout ({@code remote_timeout}, default 30s). */
    public Builder remoteTimeout(Duration timeout) {
      this.remoteTimeout = timeout;
      return this;
    }

    /** How long {@link RemoteWriteQueue#close()} keeps sending (default 1 minute). */
    public Builder flushDeadline(Duration deadline) {
      this.flushDeadline = deadline;
      return this;
    }

    /** Extra request headers ({@code headers} in the config); the remote_write headers win. */
    public Builder headers(Map<String, String> headers) {
      this.headers = headers;
      return this;
    }

    public Builder userAgent(String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    /** The clock for Retry-After dates. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Starts the shard threads. */
    public RemoteWriteQueue build() {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(sender, "sender");
      Objects.requireNonNull(registry, "registry");
      return new RemoteWriteQueue(this);
    }
  }
}
