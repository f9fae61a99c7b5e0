package io.remotesecrets.agent.scrape;

import io.remotesecrets.agent.config.ScrapeConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one scrape pool per job. {@link #apply} moves to a new list of scrape configs, keeping the
 * pools whose config is unchanged (their loops, timing and staleness state go on untouched).
 *
 * <p>Thread-safe; {@link #apply} calls are serialised.
 */
public final class ScrapeManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScrapeManager.class);

  private final SampleSink sink;
  private final Clock clock;
  private final ScrapeMetrics metrics;
  private final ScheduledThreadPoolExecutor timer;
  private final Map<String, ScrapePool> pools = new LinkedHashMap<>();

  public ScrapeManager(SampleSink sink, Clock clock, ScrapeMetrics metrics) {
    this.sink = sink;
    this.clock = clock;
    this.metrics = metrics;
    AtomicInteger n = new AtomicInteger();
    this.timer = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "scrape-timer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Runs exactly the jobs of {@code configs}. A job whose config equals the running one keeps
   * running; a changed job is restarted with a client from {@code clients}; a removed job stops
   * and its series get staleness markers.
   *
   * @return the names of the jobs that were started or restarted
   */
  public synchronized Set<String> apply(List<ScrapeConfig> configs, Function<ScrapeConfig, ScrapeClient> clients) {
    Map<String, ScrapeConfig> next = configs.stream()
        .collect(Collectors.toMap(ScrapeConfig::jobName, c -> c, (a, b) -> a, LinkedHashMap::new));
    List<ScrapePool> toStop = new ArrayList<>();
    Map<String, Map<String, ScrapeLoop>> restarted = new LinkedHashMap<>();
    for (var it = pools.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      ScrapeConfig c = next.get(e.getKey());
      if (c == null) {
        toStop.add(e.getValue());
        it.remove();
      } else if (!c.equals(e.getValue().config())) {
        // Stopped before its successor starts, so that no target is scraped twice at once.
        restarted.put(e.getKey(), e.getValue().stopLoops());
        it.remove();
      }
    }
    for (ScrapePool p : toStop) p.stop(true);
    Set<String> started = new java.util.LinkedHashSet<>();
    for (ScrapeConfig c : next.values()) {
      if (pools.containsKey(c.jobName())) continue;
      ScrapePool pool = new ScrapePool(c, clients.apply(c), sink, timer, clock, metrics);
      pools.put(c.jobName(), pool);
      pool.start();
      started.add(c.jobName());
      // A restarted job goes on with the same series; only targets it no longer has go stale.
      Map<String, ScrapeLoop> before = restarted.get(c.jobName());
      if (before != null) {
        Set<String> now = pool.targetKeys();
        before.forEach((key, loop) -> {
          if (!now.contains(key)) loop.markStale();
        });
      }
    }
    if (!started.isEmpty() || !toStop.isEmpty()) {
      log.atInfo().addKeyValue("started", String.join(",", started)).addKeyValue("jobs", pools.size())
          .log("scrape jobs updated");
    }
    return started;
  }

  /** Every active target, by job in configuration order. */
  public synchronized Map<String, List<Target>> targetsByJob() {
    Map<String, List<Target>> out = new LinkedHashMap<>();
    pools.forEach((job, pool) -> out.put(job, pool.targets()));
    return out;
  }

  public synchronized List<Target> activeTargets() {
    List<Target> out = new ArrayList<>();
    pools.values().forEach(p -> out.addAll(p.targets()));
    return out;
  }

  public synchronized List<DroppedTarget> droppedTargets() {
    List<DroppedTarget> out = new ArrayList<>();
    pools.values().forEach(p -> out.addAll(p.dropped()));
    return out;
  }

  /** Scrapes every target of {@code job} now, outside the schedule, and waits (tests). */
  public void scrapeNow(String job) {
    ScrapePool pool;
    synchronized (this) {
      pool = pools.get(job);
    }
    if (pool == null) throw new IllegalArgumentException("no job " + job);
    List<java.util.concurrent.CompletableFuture<?>> fs = new ArrayList<>();
    for (ScrapeLoop l : pool.loops()) fs.add(l.scrapeNow());
    java.util.concurrent.CompletableFuture.allOf(fs.toArray(new java.util.concurrent.CompletableFuture<?>[0])).join();
  }

  /** Stops every job, marking all series stale. */
  @Override
  public void close() {
    List<ScrapePool> all;
    synchronized (this) {
      all = new ArrayList<>(pools.values());
      pools.clear();
    }
    all.forEach(p -> p.stop(true));
    timer.shutdownNow();
  }
}
