package io.remotesecrets;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;

/**
 * Proposal 0047's per-secret metrics, {@code prometheus_} replaced by {@code remote_}. Labels
 * are the provider name and the ref, never a value.
 */
final class SecretMetrics {
  private final Gauge state;
  private final Gauge lastSuccess;
  private final Counter successes;
  private final Counter failures;
  private final Histogram duration;

  SecretMetrics(PrometheusRegistry registry) {
    state = Gauge.builder()
        .name("remote_secret_state")
        .help("State of a remotely fetched secret: 1 for the current state (error, stale, success), 0 for the others.")
        .labelNames("provider", "secret_id", "state")
        .register(registry);
    lastSuccess = Gauge.builder()
        .name("remote_secret_last_successful_fetch_seconds")
        .help("Unix time of the last successful fetch of a secret.")
        .labelNames("provider", "secret_id")
        .register(registry);
    successes = Counter.builder()
        .name("remote_secret_fetch_success_total")
        .help("Total number of successful secret fetches.")
        .labelNames("provider", "secret_id")
        .register(registry);
    failures = Counter.builder()
        .name("remote_secret_fetch_failures_total")
        .help("Total number of failed secret fetches.")
        .labelNames("provider", "secret_id")
        .register(registry);
    duration = Histogram.builder()
        .name("remote_secret_fetch_duration_seconds")
        .help("Duration of secret fetches from providers, successful or not.")
        .labelNames("provider")
        .classicOnly()
        .classicUpperBounds(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30)
        .register(registry);
  }

  void state(String provider, String ref, SecretState current) {
    for (SecretState s : SecretState.values()) {
      state.labelValues(provider, ref, s.label()).set(s == current ? 1 : 0);
    }
  }

  void fetched(String provider, String ref, Instant at, Duration took) {
    successes.labelValues(provider, ref).inc();
    lastSuccess.labelValues(provider, ref).set(at.toEpochMilli() / 1000.0);
    duration.labelValues(provider).observe(took.toNanos() / 1e9);
  }

  void failed(String provider, String ref, Duration took) {
    failures.labelValues(provider, ref).inc();
    duration.labelValues(provider).observe(took.toNanos() / 1e9);
  }

  /** Drops an evicted secret's series, so they do not linger after a reload. */
  void remove(String provider, String ref) {
    for (SecretState s : SecretState.values()) state.remove(provider, ref, s.label());
    lastSuccess.remove(provider, ref);
    successes.remove(provider, ref);
    failures.remove(provider, ref);
  }
}
