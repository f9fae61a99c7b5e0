package io.remotesecrets.agent.scrape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.remotesecrets.agent.config.FileSdConfig;
import io.remotesecrets.agent.config.Prom;
import io.remotesecrets.agent.config.TargetGroup;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * File-based service discovery, as Prometheus's {@code file_sd_configs}: JSON or YAML files (the
 * last path element may be a {@code *} glob) each holding a list of
 * {@code {targets: [...], labels: {...}}}. Files are re-read when the file system reports a
 * change in their directory and every {@code refresh_interval}. A file that cannot be read or
 * parsed keeps its previous targets; the error is logged and counted in
 * {@code prometheus_sd_file_read_errors_total}.
 */
final class FileDiscovery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileDiscovery.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSdConfig cfg;
  private final String job;
  private final Consumer<Map<String, List<TargetGroup>>> onChange;
  private final ScheduledExecutorService timer;
  private final ScrapeMetrics metrics;
  private final Map<String, List<TargetGroup>> byFile = new TreeMap<>();
  private ScheduledFuture<?> refresh;
  private WatchService watcher;
  private Thread watchThread;
  private volatile boolean closed;

  FileDiscovery(FileSdConfig cfg, String job, Consumer<Map<String, List<TargetGroup>>> onChange,
      ScheduledExecutorService timer, ScrapeMetrics metrics) {
    this.cfg = cfg;
    this.job = job;
    this.onChange = onChange;
    this.timer = timer;
    this.metrics = metrics;
  }

  /** Reads the files once, synchronously, then watches them. */
  void start() {
    refresh();
    long every = cfg.refreshInterval().toMillis();
    refresh = timer.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    startWatching();
  }

  private void startWatching() {
    Set<Path> dirs = new LinkedHashSet<>();
    for (String pattern : cfg.files()) {
      Path dir = Path.of(pattern).getParent();
      if (dir != null) dirs.add(dir);
    }
    try {
      watcher = FileSystems.getDefault().newWatchService();
      for (Path dir : dirs) {
        if (Files.isDirectory(dir)) {
          dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
        }
      }
    } catch (IOException e) {
      log.atWarn().addKeyValue("job", job).addKeyValue("err", e.toString())
          .log("cannot watch file_sd directories; relying on refresh_interval");
      return;
    }
    watchThread = new Thread(this::watchLoop, "file-sd-watch-" + job);
    watchThread.setDaemon(true);
    watchThread.start();
  }

  private void watchLoop() {
    while (!closed) {
      try {
        var key = watcher.take();
        key.pollEvents();
        key.reset();
        // Editors write in several steps; let a burst of events settle.
        Thread.sleep(50);
        timer.execute(this::refresh);
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
    }
  }

  synchronized void refresh() {
    if (closed) return;
    Map<String, List<TargetGroup>> next = new TreeMap<>();
    for (Path file : expand()) {
      String name = file.toString();
      try {
        next.put(name, read(file));
      } catch (IOException | IllegalArgumentException e) {
        metrics.fileSdReadError();
        log.atError().addKeyValue("job", job).addKeyValue("file", name).addKeyValue("err", e.getMessage())
            .log("error reading file_sd file");
        List<TargetGroup> previous = byFile.get(name);
        if (previous != null) next.put(name, previous);
      }
    }
    if (!next.equals(byFile)) {
      byFile.clear();
      byFile.putAll(next);
      onChange.accept(new LinkedHashMap<>(next));
    }
  }

  private List<Path> expand() {
    List<Path> out = new ArrayList<>();
    for (String pattern : cfg.files()) {
      Path p = Path.of(pattern);
      String name = p.getFileName().toString();
      if (!name.contains("*")) {
        if (Files.exists(p)) out.add(p);
        continue;
      }
      Path dir = p.getParent();
      if (dir == null || !Files.isDirectory(dir)) continue;
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, name)) {
        List<Path> matched = new ArrayList<>();
        ds.forEach(matched::add);
        matched.sort(null);
        out.addAll(matched);
      } catch (IOException e) {
        metrics.fileSdReadError();
        log.atError().addKeyValue("job", job).addKeyValue("dir", dir).addKeyValue("err", e.toString())
            .log("error listing file_sd directory");
      }
    }
    return out;
  }

  /** Parses one file. */
  static List<TargetGroup> read(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    byte[] data = Files.readAllBytes(file);
    Object tree;
    if (name.endsWith(".json")) {
      JsonNode node = JSON.readTree(data);
      tree = node == null ? null : JSON.convertValue(node, Object.class);
    } else {
      Load load = new Load(LoadSettings.builder().setLabel(file.toString()).build());
      try {
        tree = load.loadFromString(new String(data, java.nio.charset.StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("invalid YAML: " + e.getMessage(), e);
      }
    }
    return groups(tree, file.toString());
  }

  static List<TargetGroup> groups(Object tree, String source) {
    if (tree == null) return List.of();
    if (!(tree instanceof List<?> items)) throw new IllegalArgumentException("expected a list of target groups");
    List<TargetGroup> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof Map<?, ?> g)) throw new IllegalArgumentException("target group " + i + ": expected a mapping");
      for (Object key : g.keySet()) {
        if (!"targets".equals(key) && !"labels".equals(key)) {
          throw new IllegalArgumentException("target group " + i + ": unknown field " + Prom.quote(String.valueOf(key)));
        }
      }
      List<String> targets = new ArrayList<>();
      Object t = g.get("targets");
      if (t != null) {
        if (!(t instanceof List<?> tl)) throw new IllegalArgumentException("target group " + i + ": targets must be a list");
        for (Object x : tl) {
          if (!(x instanceof String s)) throw new IllegalArgumentException("target group " + i + ": targets must be strings");
          targets.add(s);
        }
      }
      Map<String, String> labels = new TreeMap<>();
      Object l = g.get("labels");
      if (l != null) {
        if (!(l instanceof Map<?, ?> lm)) throw new IllegalArgumentException("target group " + i + ": labels must be a mapping");
        for (Map.Entry<?, ?> e : lm.entrySet()) {
          String k = String.valueOf(e.getKey());
          if (!Prom.isValidLabelName(k)) throw new IllegalArgumentException(Prom.quote(k) + " is not a valid label name");
          if (e.getValue() != null && !(e.getValue() instanceof String)) {
            throw new IllegalArgumentException("target group " + i + ": label " + Prom.quote(k) + " must be a string");
          }
          labels.put(k, e.getValue() == null ? "" : (String) e.getValue());
        }
      }
      out.add(new TargetGroup(targets, labels, source + ":" + i));
    }
    return out;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (refresh != null) refresh.cancel(false);
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        // Closing a watch service only fails if it is already broken.
      }
    }
  }
}
