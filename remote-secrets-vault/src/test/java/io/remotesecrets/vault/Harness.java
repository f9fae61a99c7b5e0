package io.remotesecrets.vault;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.remotesecrets.Scheduler;
import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretStatus;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.provider.env.EnvProviderFactory;
import io.remotesecrets.provider.file.FileProviderFactory;
import io.remotesecrets.provider.inline.InlineProviderFactory;
import io.remotesecrets.testing.FakeClock;
import io.remotesecrets.testing.FakeScheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A configuration parsed by the core's readers, and a SecretManager on fake time with a direct
 * fetch executor: a fetch runs on the thread that causes it, so every step is deterministic.
 * The Vault provider's renewals run on the same fake scheduler.
 */
final class Harness implements AutoCloseable {
  final FakeClock clock = new FakeClock();
  final FakeScheduler scheduler = new FakeScheduler(clock);
  final Map<String, String> env = new HashMap<>();
  final VaultProviderFactory factory;
  final PrometheusRegistry registry = new PrometheusRegistry();
  /** The document of the last {@link #parse}, for {@link ConfigDocument#dump()}. */
  ConfigDocument lastDocument;
  final SecretManager manager = SecretManager.builder().clock(clock).scheduler(scheduler)
      .fetchExecutor(Runnable::run).jitter(0).registry(registry).build();

  Harness() {
    this(true);
  }

  /** @param renewalsRun false: the provider's own scheduled renewals never run (a stalled timer) */
  Harness(boolean renewalsRun) {
    Scheduler never = (task, delay) -> () -> {};
    factory = new VaultProviderFactory(new VaultEnvironment(env::get, () -> renewalsRun ? scheduler : never));
  }

  SecretProviderFactories factories() {
    return SecretProviderFactories.of(factory, new FileProviderFactory(), new EnvProviderFactory(), new InlineProviderFactory());
  }

  /**
   * Parses {@code global.secret_providers} and a {@code secrets:} mapping whose keys are secret
   * fields in any form ({@code a}, {@code a_file}, {@code a_ref}); returns the specs by field.
   *
   * @throws io.remotesecrets.config.ConfigException listing every problem
   */
  Map<String, SecretSpec> parse(String yaml) {
    ConfigDocument doc = ConfigDocument.parse("prometheus.yml", null, yaml);
    lastDocument = doc;
    ConfigContext ctx = new ConfigContext(doc, factories());
    ConfigMap root = doc.root().asMap();
    ConfigMap global = root.map("global");
    global.get("secret_providers").ifPresent(ctx::declareProviders);
    Map<String, SecretSpec> out = new LinkedHashMap<>();
    root.get("secrets").map(ConfigNode::asMap).ifPresent(secrets -> {
      Set<String> fields = new LinkedHashSet<>();
      for (String k : secrets.keys()) fields.add(k.replaceFirst("_(ref|file)$", ""));
      for (String f : fields) {
        try {
          ctx.secret(secrets, "", f).ifPresent(s -> out.put(f, s));
        } catch (io.remotesecrets.config.ConfigException e) {
          // recorded; finish() reports it with the others
        }
      }
    });
    doc.finish();
    return out;
  }

  Map<String, SecretReader> readers(String yaml) {
    Map<String, SecretReader> out = new LinkedHashMap<>();
    parse(yaml).forEach((k, spec) -> out.put(k, manager.reader(spec)));
    return out;
  }

  SecretStatus status(String ref) {
    return manager.status().stream().filter(s -> s.ref().equals(ref)).findFirst().orElseThrow();
  }

  /** remote_secret_fetch_failures_total, summed over every secret. */
  double fetchFailures() {
    double sum = 0;
    for (MetricSnapshot s : registry.scrape()) {
      if (s instanceof CounterSnapshot c && c.getMetadata().getName().equals("remote_secret_fetch_failures")) {
        for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) sum += p.getValue();
      }
    }
    return sum;
  }

  void advance(Duration d) {
    scheduler.advance(d);
  }

  @Override
  public void close() {
    manager.close();
  }
}
