package io.remotesecrets.agent.remotewrite;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads one queue's metric values from a registry, by the exposed (Prometheus) name. */
final class Metrics {
  private Metrics() {}

  static double value(PrometheusRegistry registry, String exposedName, String remoteName) {
    for (MetricSnapshot s : registry.scrape()) {
      String base = s.getMetadata().getPrometheusName();
      boolean counter = s instanceof CounterSnapshot;
      boolean histogramCount = s instanceof HistogramSnapshot && exposedName.equals(base + "_count");
      if (!exposedName.equals(counter ? base + "_total" : base) && !histogramCount) continue;
      for (DataPointSnapshot d : s.getDataPoints()) {
        if (remoteName != null && !remoteName.equals(d.getLabels().get("remote_name"))) continue;
        if (d instanceof CounterSnapshot.CounterDataPointSnapshot c) return c.getValue();
        if (d instanceof GaugeSnapshot.GaugeDataPointSnapshot g) return g.getValue();
        if (d instanceof HistogramSnapshot.HistogramDataPointSnapshot h) return h.getCount();
      }
      return Double.NaN;
    }
    throw new AssertionError("no metric " + exposedName);
  }
}
