package io.remotesecrets.agent;

import io.remotesecrets.agent.config.RemoteWriteConfig;
import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.model.Sample;
import io.remotesecrets.agent.relabel.RelabelConfig;
import io.remotesecrets.agent.scrape.SampleSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every scraped sample to every remote_write queue, adding the external labels (a series'
 * own label of the same name wins, as in Prometheus) and then applying the queue's
 * {@code write_relabel_configs}. On reload, a queue whose config is unchanged keeps running
 * with what it buffered.
 */
final class RemoteWrites implements SampleSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteWrites.class);

  /** One remote_write destination. */
  interface Queue extends AutoCloseable {
    /** Buffers samples for sending; never blocks on the network. */
    void append(List<Sample> samples);

    @Override
    void close();
  }

  private record Entry(RemoteWriteConfig config, Queue queue) {}

  private volatile List<Entry> entries = List.of();
  private volatile Labels external = Labels.empty();

  synchronized void apply(List<RemoteWriteConfig> configs, Map<String, String> externalLabels,
      Function<RemoteWriteConfig, Queue> factory) {
    Map<RemoteWriteConfig, Entry> old = new LinkedHashMap<>();
    for (Entry e : entries) old.put(e.config(), e);
    List<Entry> next = new ArrayList<>();
    for (RemoteWriteConfig c : configs) {
      Entry kept = old.remove(c);
      next.add(kept != null ? kept : new Entry(c, factory.apply(c)));
    }
    external = Labels.of(externalLabels);
    entries = List.copyOf(next);
    for (Entry e : old.values()) {
      log.atInfo().addKeyValue("remote_name", e.config().name()).addKeyValue("url", e.config().redactedUrl())
          .log("stopping remote_write queue");
      e.queue().close();
    }
  }

  @Override
  public void append(List<Sample> samples) {
    List<Entry> current = entries;
    if (current.isEmpty()) return;
    Labels ext = external;
    List<Sample> withExternal = ext.isEmpty() ? samples : new ArrayList<>(samples.size());
    if (!ext.isEmpty()) {
      for (Sample s : samples) withExternal.add(new Sample(addExternal(s.labels(), ext), s.timestampMs(), s.value()));
    }
    for (Entry e : current) {
      List<RelabelConfig> rc = e.config().writeRelabelConfigs();
      if (rc.isEmpty()) {
        e.queue().append(withExternal);
        continue;
      }
      List<Sample> out = new ArrayList<>(withExternal.size());
      for (Sample s : withExternal) {
        Labels l = RelabelConfig.process(s.labels(), rc);
        if (l != null) out.add(new Sample(l, s.timestampMs(), s.value()));
      }
      if (!out.isEmpty()) e.queue().append(out);
    }
  }

  private static Labels addExternal(Labels series, Labels ext) {
    Labels.Builder b = null;
    for (int i = 0; i < ext.size(); i++) {
      if (!series.has(ext.name(i))) {
        if (b == null) b = series.toBuilder();
        b.set(ext.name(i), ext.value(i));
      }
    }
    return b == null ? series : b.build();
  }

  @Override
  public synchronized void close() {
    for (Entry e : entries) e.queue().close();
    entries = List.of();
  }
}
