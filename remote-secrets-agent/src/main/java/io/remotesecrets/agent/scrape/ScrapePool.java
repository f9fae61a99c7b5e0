package io.remotesecrets.agent.scrape;

import io.remotesecrets.agent.config.FileSdConfig;
import io.remotesecrets.agent.config.ScrapeConfig;
import io.remotesecrets.agent.config.TargetGroup;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The targets of one job: discovery (static and file), relabelling into targets, and one
 * {@link ScrapeLoop} per distinct target (labels and URL).
 */
final class ScrapePool {
  private final ScrapeConfig cfg;
  private final ScrapeClient client;
  private final SampleSink sink;
  private final ScheduledExecutorService timer;
  private final Clock clock;
  private final ScrapeMetrics metrics;
  private final Map<String, List<TargetGroup>> groups = new LinkedHashMap<>();
  private final Map<String, ScrapeLoop> loops = new LinkedHashMap<>();
  private final List<FileDiscovery> discoveries = new ArrayList<>();
  private volatile List<DroppedTarget> dropped = List.of();
  private boolean stopped;

  ScrapePool(ScrapeConfig cfg, ScrapeClient client, SampleSink sink, ScheduledExecutorService timer, Clock clock,
      ScrapeMetrics metrics) {
    this.cfg = cfg;
    this.client = client;
    this.sink = sink;
    this.timer = timer;
    this.clock = clock;
    this.metrics = metrics;
  }

  ScrapeConfig config() {
    return cfg;
  }

  void start() {
    synchronized (this) {
      if (!cfg.staticConfigs().isEmpty()) groups.put("static", cfg.staticConfigs());
      sync();
    }
    for (int i = 0; i < cfg.fileSdConfigs().size(); i++) {
      FileSdConfig f = cfg.fileSdConfigs().get(i);
      String key = "file/" + i;
      FileDiscovery d = new FileDiscovery(f, cfg.jobName(), byFile -> update(key, byFile), timer, metrics);
      synchronized (this) {
        if (stopped) return;
        discoveries.add(d);
      }
      d.start();
    }
  }

  private void update(String key, Map<String, List<TargetGroup>> byFile) {
    List<TargetGroup> all = new ArrayList<>();
    byFile.values().forEach(all::addAll);
    List<ScrapeLoop> removed;
    synchronized (this) {
      if (stopped) return;
      groups.put(key, all);
      removed = sync();
    }
    for (ScrapeLoop l : removed) l.stop(true);
  }

  /** Recomputes targets; starts loops for new ones and returns the loops of vanished ones, to stop. */
  private List<ScrapeLoop> sync() {
    Map<String, TargetLabels.Active> active = new LinkedHashMap<>();
    List<DroppedTarget> drop = new ArrayList<>();
    for (Map.Entry<String, List<TargetGroup>> e : groups.entrySet()) {
      for (TargetGroup g : e.getValue()) {
        Map<String, String> extra = g.source().contains(":") && e.getKey().startsWith("file/")
            ? Map.of("__meta_filepath", g.source().substring(0, g.source().lastIndexOf(':')))
            : Map.of();
        for (TargetLabels.Result r : TargetLabels.fromGroup(cfg, g, extra)) {
          if (r instanceof TargetLabels.Active a) active.putIfAbsent(a.labels() + " " + a.url(), a);
          else if (r instanceof TargetLabels.Dropped d) drop.add(new DroppedTarget(cfg.jobName(), d.discovered(), d.reason()));
        }
      }
    }
    // As Prometheus: over the limit, every target of the job fails until the targets are fewer.
    String forced = cfg.targetLimit() > 0 && active.size() > cfg.targetLimit()
        ? "target_limit exceeded (number of targets: " + active.size() + ", limit: " + cfg.targetLimit() + ")"
        : null;
    List<ScrapeLoop> removed = new ArrayList<>();
    for (var it = loops.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!active.containsKey(e.getKey())) {
        removed.add(e.getValue());
        it.remove();
      }
    }
    for (Map.Entry<String, TargetLabels.Active> e : active.entrySet()) {
      if (!loops.containsKey(e.getKey())) {
        ScrapeLoop loop = new ScrapeLoop(cfg, e.getValue(), client, sink, timer, clock, metrics);
        loop.forceError(forced);
        loops.put(e.getKey(), loop);
        loop.start();
      } else {
        loops.get(e.getKey()).forceError(forced);
      }
    }
    dropped = List.copyOf(drop);
    metrics.discoveredTargets(cfg.jobName(), active.size() + drop.size());
    return removed;
  }

  synchronized List<Target> targets() {
    List<Target> out = new ArrayList<>();
    for (ScrapeLoop l : loops.values()) out.add(l.status());
    return out;
  }

  List<DroppedTarget> dropped() {
    return dropped;
  }

  synchronized List<ScrapeLoop> loops() {
    return new ArrayList<>(loops.values());
  }

  /** Stops discovery and every loop; see {@link ScrapeLoop#stop(boolean)} for {@code staleness}. */
  void stop(boolean staleness) {
    stopLoops().values().parallelStream().forEach(l -> {
      if (staleness) l.markStale();
    });
    if (staleness) metrics.removeJob(cfg.jobName());
  }

  /** Stops discovery and every loop without staleness markers; returns the stopped loops by target. */
  Map<String, ScrapeLoop> stopLoops() {
    Map<String, ScrapeLoop> all;
    List<FileDiscovery> ds;
    synchronized (this) {
      stopped = true;
      all = new LinkedHashMap<>(loops);
      loops.clear();
      ds = new ArrayList<>(discoveries);
      discoveries.clear();
    }
    ds.forEach(FileDiscovery::close);
    all.values().parallelStream().forEach(l -> l.stop(false));
    client.close();
    return all;
  }

  /** The identities (labels and URL) of the running targets. */
  synchronized java.util.Set<String> targetKeys() {
    return new java.util.HashSet<>(loops.keySet());
  }
}
