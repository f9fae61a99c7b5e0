package io.remotesecrets.agent.scrape;

import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.agent.config.ScrapeConfig;
import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.model.Sample;
import io.remotesecrets.agent.relabel.RelabelConfig;
import io.remotesecrets.agent.textparse.Format;
import io.remotesecrets.agent.textparse.TextParseException;
import io.remotesecrets.agent.textparse.TextParser;
import io.remotesecrets.config.Durations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes one target every interval, as Prometheus's {@code scrapeLoop}: one request at a time,
 * samples labelled with the target's labels and passed through metric relabelling, the synthetic
 * series ({@code up}, {@code scrape_duration_seconds}, {@code scrape_samples_scraped},
 * {@code scrape_samples_post_metric_relabeling}, {@code scrape_series_added}), and staleness
 * markers for series that disappear, for every series when a scrape fails, and when the target goes
 * away.
 *
 * <p>A target whose credentials were never fetched is not scraped: it reports no samples and
 * shows "waiting for secret ..." until the secret arrives. A stale secret is still used.
 *
 * <p>Thread-safe: the timer starts scrapes; the HTTP client's threads complete them.
 */
final class ScrapeLoop {
  private static final Logger log = LoggerFactory.getLogger(ScrapeLoop.class);
  static final String USER_AGENT = "remote-secrets-agent/0.1";

  private final ScrapeConfig cfg;
  private final TargetLabels.Active target;
  private final Labels publicLabels;
  private final ScrapeClient client;
  private final SampleSink sink;
  private final ScheduledExecutorService timer;
  private final Clock clock;
  private final ScrapeMetrics metrics;
  private final TextParser parser = new TextParser();
  private final HttpRequest request;

  private volatile Target status;
  /** Set by the pool when the job exceeds its target_limit: scrapes fail without a request. */
  private volatile String forcedError;
  private Set<Labels> lastSeries = Set.of();
  /**
   * Each series of the last parsed scrape to its labels after target labels, metric relabelling
   * and label limits ({@link #DROPPED} if relabelling dropped it), as Prometheus's scrape cache: a
   * series exposed on every scrape is labelled once, not on every scrape. The parser hands back
   * the same {@link Labels} for an unchanged line, so a lookup costs no hashing. Guarded by
   * {@link #parser}.
   */
  private Map<Labels, Labels> seriesLabels = Map.of();
  private static final Labels DROPPED = Labels.of("__dropped__", "true");
  private boolean reported;
  private ScheduledFuture<?> task;
  private CompletableFuture<?> inFlight;
  private boolean stopped;

  ScrapeLoop(ScrapeConfig cfg, TargetLabels.Active target, ScrapeClient client, SampleSink sink,
      ScheduledExecutorService timer, Clock clock, ScrapeMetrics metrics) {
    this.cfg = cfg;
    this.target = target;
    this.publicLabels = target.publicLabels();
    this.client = client;
    this.sink = sink;
    this.timer = timer;
    this.clock = clock;
    this.metrics = metrics;
    this.status = new Target(cfg.jobName(), publicLabels, target.discovered(), target.url(), target.interval(),
        target.timeout(), Target.UNKNOWN, Optional.empty(), Duration.ZERO, Optional.empty());
    this.request = HttpRequest.newBuilder(target.url())
        .GET()
        .timeout(target.timeout())
        .header("Accept", Format.SCRAPE_ACCEPT_HEADER)
        .header("Accept-Encoding", "gzip")
        .header("User-Agent", USER_AGENT)
        .header("X-Prometheus-Scrape-Timeout-Seconds", seconds(target.timeout()))
        .build();
  }

  Target status() {
    return status;
  }

  void forceError(String error) {
    forcedError = error;
  }

  /**
   * Starts scraping at an offset within the interval derived from the target's identity, so that
   * targets of one job spread over the interval and keep their phase across restarts.
   */
  synchronized void start() {
    long interval = target.interval().toMillis();
    long offset = Math.floorMod((long) target.labels().hashCode() * 31 + target.url().hashCode(), interval);
    long now = clock.millis();
    long delay = Math.floorMod(offset - now % interval, interval);
    task = timer.scheduleAtFixedRate(this::scrape, delay, interval, TimeUnit.MILLISECONDS);
  }

  /** Scrapes now, outside the schedule (tests). */
  CompletableFuture<?> scrapeNow() {
    scrape();
    synchronized (this) {
      return inFlight == null ? CompletableFuture.completedFuture(null) : inFlight;
    }
  }

  /**
   * Stops the loop. With {@code staleness}, every series it reported gets a staleness marker, as
   * when a target disappears; a job restarted by a reload passes false, since its new loop goes
   * on with the same series.
   */
  void stop(boolean staleness) {
    CompletableFuture<?> pending;
    synchronized (this) {
      if (stopped) return;
      stopped = true;
      if (task != null) task.cancel(false);
      pending = inFlight;
    }
    if (pending != null) {
      try {
        pending.get(target.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
        // The scrape's own outcome does not matter any more.
      }
    }
    if (staleness) markStale();
  }

  /** Writes staleness markers for every series of the last scrape, once (after {@link #stop}). */
  void markStale() {
    List<Sample> out = new ArrayList<>();
    long now = clock.millis();
    synchronized (this) {
      for (Labels l : lastSeries) out.add(new Sample(l, now, Sample.STALE_NAN));
      lastSeries = Set.of();
      if (reported) {
        for (String name : REPORT_NAMES) out.add(new Sample(reportLabels(name), now, Sample.STALE_NAN));
        reported = false;
      }
    }
    if (!out.isEmpty()) sink.append(out);
  }

  private static final List<String> REPORT_NAMES = List.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
      "scrape_samples_post_metric_relabeling", "scrape_series_added");

  private void scrape() {
    Instant start;
    long startNanos;
    synchronized (this) {
      if (stopped || (inFlight != null && !inFlight.isDone())) return;
      start = clock.instant();
      startNanos = System.nanoTime();
      CompletableFuture<HttpResponse<byte[]>> f;
      String forced = forcedError;
      if (forced != null) {
        inFlight = CompletableFuture.runAsync(() -> complete(start, startNanos, null, new ForcedError(forced)));
        return;
      }
      try {
        f = client.send(request).orTimeout(target.timeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (SecretUnavailableException e) {
        waiting(e);
        return;
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      inFlight = f.handle((resp, err) -> {
        try {
          complete(start, startNanos, resp, err);
        } catch (RuntimeException e) {
          log.atError().addKeyValue("job", cfg.jobName()).addKeyValue("target", target.url())
              .setCause(e).log("scrape processing failed");
        }
        return null;
      });
    }
  }

  private void waiting(SecretUnavailableException e) {
    metrics.waitingForSecret(cfg.jobName());
    String message = e.getMessage();
    if (!status.lastError().equals(Optional.of(message))) {
      log.atWarn().addKeyValue("job", cfg.jobName()).addKeyValue("target", target.url())
          .addKeyValue("err", message).log("target not scraped: credentials not available yet");
    }
    status = status.waiting(message);
  }

  private void complete(Instant start, long startNanos, HttpResponse<byte[]> resp, Throwable err) {
    Throwable cause = unwrap(err);
    if (cause instanceof SecretUnavailableException sue) {
      synchronized (this) {
        if (!stopped) waiting(sue);
      }
      return;
    }
    long t0 = start.toEpochMilli();
    Collector collector = new Collector(t0);
    String error = null;
    if (cause instanceof io.remotesecrets.http.CredentialsRejectedException rejected) {
      // Names the credentials and their sources, after the HTTP layer's refresh-and-retry.
      error = rejected.getMessage();
    } else if (cause instanceof ForcedError forced) {
      error = forced.getMessage();
    } else if (cause != null) {
      error = "Get \"" + target.url() + "\": " + describe(cause);
    } else if (resp.statusCode() != 200) {
      error = ("server returned HTTP status " + resp.statusCode() + " " + reason(resp.statusCode())).trim();
    } else {
      try {
        byte[] body = decode(resp, cfg.bodySizeLimit());
        String contentType = resp.headers().firstValue("Content-Type").orElse(null);
        synchronized (parser) {
          parser.parse(body, contentType, collector);
          seriesLabels = collector.labels;
        }
      } catch (TextParseException | IOException | LimitExceeded e) {
        error = e.getMessage();
      }
      if (error == null && cfg.sampleLimit() > 0 && collector.samples.size() > cfg.sampleLimit()) {
        metrics.sampleLimitExceeded();
        error = "sample limit exceeded";
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
    List<Sample> out = new ArrayList<>();
    int added = 0;
    synchronized (this) {
      if (stopped) return;
      if (error == null) {
        for (Labels l : lastSeries) if (!collector.staleTracked.contains(l)) out.add(new Sample(l, t0, Sample.STALE_NAN));
        for (Labels l : collector.staleTracked) if (!lastSeries.contains(l)) added++;
        out.addAll(collector.samples);
        lastSeries = collector.staleTracked;
      } else {
        for (Labels l : lastSeries) out.add(new Sample(l, t0, Sample.STALE_NAN));
        lastSeries = Set.of();
      }
      out.add(new Sample(reportLabels("up"), t0, error == null ? 1 : 0));
      out.add(new Sample(reportLabels("scrape_duration_seconds"), t0, took.toNanos() / 1e9));
      out.add(new Sample(reportLabels("scrape_samples_scraped"), t0, collector.scraped));
      out.add(new Sample(reportLabels("scrape_samples_post_metric_relabeling"), t0, collector.samples.size()));
      out.add(new Sample(reportLabels("scrape_series_added"), t0, added));
      reported = true;
      Target before = status;
      status = status.withOutcome(error == null ? Target.UP : Target.DOWN, start, took, Optional.ofNullable(error));
      if (error != null && !before.lastError().equals(Optional.of(error))) {
        log.atDebug().addKeyValue("job", cfg.jobName()).addKeyValue("target", target.url())
            .addKeyValue("err", error).log("scrape failed");
      }
    }
    sink.append(out);
  }

  private Labels reportLabels(String name) {
    return publicLabels.toBuilder().set(Labels.METRIC_NAME, name).build();
  }

  /** Collects the samples of one response with target labels applied, as Prometheus's {@code mutateSampleLabels}. */
  private final class Collector implements io.remotesecrets.agent.textparse.SampleHandler {
    final long t0;
    final List<Sample> samples = new ArrayList<>();
    final Set<Labels> seen = new HashSet<>();
    final Map<Labels, Labels> labels = new HashMap<>();
    /** Series without an explicit timestamp: only these get staleness markers, as in Prometheus. */
    Set<Labels> staleTracked = new HashSet<>();
    int scraped;

    Collector(long t0) {
      this.t0 = t0;
    }

    @Override
    public void sample(Labels series, double value, long timestampMs) {
      scraped++;
      Labels relabeled = labels.computeIfAbsent(series, s -> {
        Labels known = seriesLabels.get(s);
        return known != null ? known : label(s);
      });
      if (relabeled == DROPPED) return;
      if (!seen.add(relabeled)) return; // a duplicate series in one exposition: Prometheus drops it too
      boolean explicit = timestampMs != TextParser.NO_TIMESTAMP && cfg.honorTimestamps();
      samples.add(new Sample(relabeled, explicit ? timestampMs : t0, value));
      if (!explicit) staleTracked.add(relabeled);
    }
  }

  /** A parsed series with target labels and metric relabelling applied, within the label limits; {@link #DROPPED} if dropped. */
  private Labels label(Labels series) {
    Labels merged = merge(series);
    Labels relabeled = cfg.metricRelabelConfigs().isEmpty() ? merged
        : RelabelConfig.process(merged, cfg.metricRelabelConfigs());
    if (relabeled == null) return DROPPED;
    checkLabelLimits(relabeled);
    return relabeled;
  }

  /** Prometheus's label limits, with its messages; lengths in UTF-8 bytes, as Go's {@code len}. */
  private void checkLabelLimits(Labels l) {
    String metric = truncate(l.metricName());
    if (cfg.labelLimit() > 0 && l.size() > cfg.labelLimit()) {
      throw new LimitExceeded("label_limit exceeded (metric: " + metric + ", number of labels: " + l.size()
          + ", limit: " + cfg.labelLimit() + ")");
    }
    for (int i = 0; i < l.size(); i++) {
      String name = l.name(i);
      int nameLength = utf8Length(name);
      if (cfg.labelNameLengthLimit() > 0 && nameLength > cfg.labelNameLengthLimit()) {
        throw new LimitExceeded("label_name_length_limit exceeded (metric: " + metric + ", label name: " + truncate(name)
            + ", length: " + nameLength + ", limit: " + cfg.labelNameLengthLimit() + ")");
      }
      String value = l.value(i);
      int valueLength = cfg.labelValueLengthLimit() > 0 ? utf8Length(value) : 0;
      if (cfg.labelValueLengthLimit() > 0 && valueLength > cfg.labelValueLengthLimit()) {
        throw new LimitExceeded("label_value_length_limit exceeded (metric: " + metric + ", label name: " + truncate(name)
            + ", value: " + io.remotesecrets.agent.config.Prom.quote(truncate(value)) + ", length: " + valueLength
            + ", limit: " + cfg.labelValueLengthLimit() + ")");
      }
    }
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) n++;
      else if (c < 0x800) n += 2;
      else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  }

  private static String truncate(String s) {
    return s.length() <= 50 ? s : s.substring(0, 50);
  }

  /** A scrape limit was exceeded; fails the scrape. */
  private static final class LimitExceeded extends RuntimeException {
    LimitExceeded(String message) {
      super(message, null, false, false);
    }
  }

  /** The pool failed every target of the job (target_limit). */
  private static final class ForcedError extends Exception {
    ForcedError(String message) {
      super(message, null, false, false);
    }
  }

  private Labels merge(Labels series) {
    Labels.Builder b = series.toBuilder();
    if (cfg.honorLabels()) {
      for (int i = 0; i < publicLabels.size(); i++) {
        if (series.get(publicLabels.name(i)).isEmpty()) b.set(publicLabels.name(i), publicLabels.value(i));
      }
      return b.build();
    }
    List<String[]> conflicts = null;
    for (int i = 0; i < publicLabels.size(); i++) {
      String name = publicLabels.name(i);
      String exposed = series.get(name);
      if (!exposed.isEmpty()) {
        if (conflicts == null) conflicts = new ArrayList<>();
        conflicts.add(new String[] {name, exposed});
      }
      b.set(name, publicLabels.value(i));
    }
    if (conflicts != null) {
      for (String[] c : conflicts) {
        String name = "exported_" + c[0];
        while (!b.get(name).isEmpty()) name = "exported_" + name;
        b.set(name, c[1]);
      }
    }
    return b.build();
  }

  /** The body, gunzipped if need be; with a limit, reads at most one byte more than it (no zip bombs). */
  private static byte[] decode(HttpResponse<byte[]> resp, long limit) throws IOException {
    String encoding = resp.headers().firstValue("Content-Encoding").orElse("");
    byte[] body = resp.body();
    if (encoding.equalsIgnoreCase("gzip")) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        body = limit > 0 ? in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1)) : in.readAllBytes();
      } catch (IOException e) {
        throw new IOException("invalid gzip response body: " + e.getMessage(), e);
      }
    }
    if (limit > 0 && body.length > limit) throw new LimitExceeded("body size limit exceeded");
    return body;
  }

  private String describe(Throwable t) {
    if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
      return "scrape timed out after " + Durations.format(target.timeout());
    }
    if (t instanceof ConnectException && t.getMessage() == null) return "connection refused";
    String msg = t.getMessage();
    if (t.getCause() != null && (msg == null || msg.equals(t.getCause().toString()))) return describe(t.getCause());
    return msg == null ? t.getClass().getSimpleName() : msg;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
    return t;
  }

  static String seconds(Duration d) {
    double s = d.toNanos() / 1e9;
    if (s == Math.rint(s)) return Long.toString((long) s);
    return String.format(Locale.ROOT, "%s", Double.toString(s)).replaceAll("0+$", "");
  }

  private static String reason(int code) {
    return switch (code) {
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "";
    };
  }
}
