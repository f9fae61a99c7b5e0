package io.remotesecrets.agent;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretStatus;
import io.remotesecrets.agent.config.AgentConfig;
import io.remotesecrets.agent.config.RemoteWriteConfig;
import io.remotesecrets.agent.config.ScrapeConfig;
import io.remotesecrets.agent.demo.DemoTarget;
import io.remotesecrets.agent.scrape.DroppedTarget;
import io.remotesecrets.agent.scrape.ScrapeClient;
import io.remotesecrets.agent.scrape.ScrapeManager;
import io.remotesecrets.agent.scrape.ScrapeMetrics;
import io.remotesecrets.agent.scrape.Target;
import io.remotesecrets.agent.web.WebServer;
import io.remotesecrets.config.ConfigException;
import io.remotesecrets.http.SecretsHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: configuration, secret manager, scrape manager, remote_write queues and web
 * endpoints.
 *
 * <p>Reload ({@link #reload()}, {@code POST /-/reload}, SIGHUP) reads the file again. A file
 * with errors keeps the running configuration and sets
 * {@code remote_secrets_config_last_reload_successful} to 0. A good one is applied with as
 * little disruption as possible: unchanged scrape jobs and remote_write queues keep running,
 * providers whose configuration is unchanged keep their cached secrets, and only what changed
 * is re-created.
 *
 * <p>Thread-safe.
 */
public final class Agent implements AutoCloseable, WebServer.Backend {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final AgentOptions options;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final SecretManager secrets;
  private final RemoteWrites writes = new RemoteWrites();
  private final ScrapeManager scrapes;
  private final Gauge reloadSuccessful;
  private final Gauge reloadTimestamp;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private WebServer web;
  private DemoTarget demo;
  private Supplier<AgentConfig> loader;
  private volatile AgentConfig config;
  private volatile boolean ready;
  private volatile Optional<String> lastReloadError = Optional.empty();
  private volatile Instant lastReload;
  private boolean closed;

  private Agent(AgentOptions options) {
    this.options = options;
    SecretManager.Builder b = SecretManager.builder().registry(registry).clock(options.clock());
    options.secretSettings().accept(b);
    this.secrets = b.build();
    this.scrapes = new ScrapeManager(writes, options.clock(), new ScrapeMetrics(registry));
    reloadSuccessful = Gauge.builder()
        .name("remote_secrets_config_last_reload_successful")
        .help("Whether the last configuration reload attempt was successful.")
        .register(registry);
    io.prometheus.metrics.instrumentation.jvm.JvmMetrics.builder().register(registry);
    reloadTimestamp = Gauge.builder()
        .name("remote_secrets_config_last_reload_success_timestamp_seconds")
        .help("Timestamp of the last successful configuration reload.")
        .register(registry);
  }

  /**
   * Starts the web endpoints, loads the configuration and starts scraping. Never waits for a
   * secret provider: targets whose credentials are not fetched yet wait, others scrape at once.
   *
   * @throws ConfigException if the configuration is invalid (nothing is left running)
   * @throws IOException if the listen address cannot be bound
   */
  public static Agent start(AgentOptions options) throws IOException {
    Agent agent = new Agent(options);
    try {
      agent.startUp();
    } catch (IOException | RuntimeException e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  private void startUp() throws IOException {
    web = WebServer.start(options.listenAddress(), this);
    if (options.isDemo()) {
      demo = DemoTarget.start();
      String text = demo.configuration(web.url());
      loader = () -> AgentConfig.parse(DemoTarget.CONFIG_NAME, null, text, options.factories());
    } else {
      loader = () -> AgentConfig.load(options.configFile(), options.factories());
    }
    AgentConfig first = loader.get();
    apply(first);
    reloadSuccessful.set(1);
    markReloaded();
    installSighup();
    ready = true;
    log.atInfo().addKeyValue("file", first.fileName()).addKeyValue("jobs", first.scrapeConfigs().size())
        .addKeyValue("remote_write", first.remoteWriteConfigs().size()).addKeyValue("web", web.url())
        .log("agent started");
  }

  /**
   * Reads the configuration again and applies it; on any error keeps the running one.
   *
   * @return whether the new configuration is now running
   */
  @Override
  public synchronized boolean reload() {
    if (closed) return false;
    if (!ready) {
      // The web endpoints start before the first load; a reload then has nothing to replace.
      lastReloadError = Optional.of("the agent is still starting");
      return false;
    }
    AgentConfig next;
    try {
      next = loader.get();
    } catch (ConfigException e) {
      reloadSuccessful.set(0);
      lastReloadError = Optional.of(e.getMessage());
      log.atError().addKeyValue("err", e.getMessage()).log("error reloading configuration; keeping the running one");
      return false;
    }
    try {
      apply(next);
    } catch (RuntimeException e) {
      reloadSuccessful.set(0);
      lastReloadError = Optional.of(e.toString());
      log.atError().setCause(e).log("error applying configuration");
      return false;
    }
    reloadSuccessful.set(1);
    lastReloadError = Optional.empty();
    markReloaded();
    log.atInfo().addKeyValue("file", next.fileName()).log("completed loading of configuration file");
    return true;
  }

  private void apply(AgentConfig next) {
    writes.apply(next.remoteWriteConfigs(), next.global().externalLabels(), this::newQueue);
    scrapes.apply(next.scrapeConfigs(), this::newScrapeClient);
    // After the new clients registered their secrets: evicts only what the new file no longer uses.
    secrets.retainOnly(next.secretSpecs());
    config = next;
  }

  private void markReloaded() {
    lastReload = options.clock().instant();
    reloadTimestamp.set(lastReload.toEpochMilli() / 1000.0);
  }

  private ScrapeClient newScrapeClient(ScrapeConfig c) {
    SecretsHttpClient http;
    try {
      http = c.httpClientConfig().newClient(secrets);
    } catch (RuntimeException e) {
      String message = "cannot create the HTTP client of job " + c.jobName() + ": " + e.getMessage();
      log.atError().addKeyValue("job", c.jobName()).addKeyValue("err", e.getMessage()).log("cannot create HTTP client");
      return req -> CompletableFuture.failedFuture(new IOException(message));
    }
    return new ScrapeClient() {
      @Override
      public CompletableFuture<HttpResponse<byte[]>> send(java.net.http.HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
      }

      @Override
      public void close() {
        http.close();
      }
    };
  }

  private RemoteWrites.Queue newQueue(RemoteWriteConfig c, io.remotesecrets.agent.model.Labels externalLabels) {
    return RemoteWriteQueues.create(c, externalLabels, secrets, registry, options.clock(), options.flushDeadline());
  }

  private void installSighup() {
    // sun.misc.Signal through reflection: javac cannot be told to accept the internal API under -Werror.
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance("HUP");
      Object handler = java.lang.reflect.Proxy.newProxyInstance(handlerClass.getClassLoader(),
          new Class<?>[] {handlerClass}, (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              log.info("SIGHUP received: reloading configuration");
              Thread t = new Thread(this::reload, "remote-secrets-reload");
              t.setDaemon(true);
              t.start();
            }
            return null;
          });
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      log.atInfo().addKeyValue("reason", e.toString()).log("SIGHUP reload unavailable; use POST /-/reload");
    }
  }

  /** The URL of the web endpoints. */
  public URI webUrl() {
    return web.url();
  }

  public AgentConfig config() {
    return config;
  }

  public SecretManager secretManager() {
    return secrets;
  }

  public ScrapeManager scrapeManager() {
    return scrapes;
  }

  @Override
  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public Map<String, List<Target>> targetsByJob() {
    return scrapes.targetsByJob();
  }

  @Override
  public List<DroppedTarget> droppedTargets() {
    return scrapes.droppedTargets();
  }

  @Override
  public List<SecretStatus> secrets() {
    return secrets.status();
  }

  @Override
  public String configDump() {
    AgentConfig c = config;
    return c == null ? "" : c.dump();
  }

  @Override
  public List<io.remotesecrets.agent.web.RemoteWriteStatus> remoteWrites() {
    AgentConfig c = config;
    if (c == null) return List.of();
    var snapshots = registry.scrape(name -> name.startsWith("prometheus_remote_storage_samples"));
    List<io.remotesecrets.agent.web.RemoteWriteStatus> out = new java.util.ArrayList<>();
    for (RemoteWriteConfig rw : c.remoteWriteConfigs()) {
      out.add(new io.remotesecrets.agent.web.RemoteWriteStatus(rw.name(), rw.redactedUrl(),
          value(snapshots, "prometheus_remote_storage_samples_pending", rw.name()),
          value(snapshots, "prometheus_remote_storage_samples", rw.name()),
          value(snapshots, "prometheus_remote_storage_samples_retried", rw.name()),
          value(snapshots, "prometheus_remote_storage_samples_failed", rw.name()),
          value(snapshots, "prometheus_remote_storage_samples_dropped", rw.name())));
    }
    return out;
  }

  /** A counter or gauge of one queue; client_java names counters without {@code _total}. */
  private static double value(io.prometheus.metrics.model.snapshots.MetricSnapshots snapshots, String name, String queue) {
    for (var s : snapshots) {
      if (!s.getMetadata().getName().equals(name)) continue;
      for (var dp : s.getDataPoints()) {
        if (!queue.equals(dp.getLabels().get("remote_name"))) continue;
        if (dp instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot c) return c.getValue();
        if (dp instanceof io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot g) return g.getValue();
      }
    }
    return 0;
  }

  @Override
  public List<String> secretUsers(String provider, String ref) {
    AgentConfig c = config;
    if (c == null) return List.of();
    List<String> out = new java.util.ArrayList<>();
    for (var used : c.secrets()) {
      if (used.spec() instanceof io.remotesecrets.config.SecretSpec.FromProvider p
          && p.provider().name().equals(provider) && p.ref().equals(ref)) {
        out.add(used.path());
      }
    }
    return out;
  }

  @Override
  public String configSource() {
    AgentConfig c = config;
    return c == null ? "" : c.fileName();
  }

  @Override
  public Optional<Instant> lastReload() {
    return Optional.ofNullable(lastReload);
  }

  @Override
  public Optional<String> lastReloadError() {
    return lastReloadError;
  }

  /** Blocks until {@link #close()}. */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /** Stops scraping (marking series stale), flushes and stops the queues, and closes providers. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
      ready = false;
    }
    try {
      scrapes.close();
      writes.close();
      secrets.close();
    } finally {
      if (web != null) web.close();
      if (demo != null) demo.close();
      terminated.countDown();
    }
  }
}
