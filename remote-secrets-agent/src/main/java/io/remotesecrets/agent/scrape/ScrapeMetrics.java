package io.remotesecrets.agent.scrape;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The agent's own scrape and discovery metrics, named as Prometheus names its equivalents. */
public final class ScrapeMetrics {
  private final Counter sampleLimitExceeded;
  private final Counter waitingForSecret;
  private final Counter fileSdReadErrors;
  private final Gauge targets;

  public ScrapeMetrics(PrometheusRegistry registry) {
    sampleLimitExceeded = Counter.builder()
        .name("prometheus_target_scrapes_sample_limit_exceeded_total")
        .help("Total number of scrapes that hit the sample limit and were rejected.")
        .register(registry);
    waitingForSecret = Counter.builder()
        .name("remote_secrets_scrapes_waiting_for_secret_total")
        .help("Scrapes skipped because a credential of the target has not been fetched yet.")
        .labelNames("job")
        .register(registry);
    fileSdReadErrors = Counter.builder()
        .name("prometheus_sd_file_read_errors_total")
        .help("The number of File-SD read errors.")
        .register(registry);
    targets = Gauge.builder()
        .name("prometheus_sd_discovered_targets")
        .help("Current number of discovered targets.")
        .labelNames("config")
        .register(registry);
  }

  void sampleLimitExceeded() {
    sampleLimitExceeded.inc();
  }

  void waitingForSecret(String job) {
    waitingForSecret.labelValues(job).inc();
  }

  void fileSdReadError() {
    fileSdReadErrors.inc();
  }

  void discoveredTargets(String job, int n) {
    targets.labelValues(job).set(n);
  }

  void removeJob(String job) {
    targets.remove(job);
  }
}
