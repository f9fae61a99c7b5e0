package io.remotesecrets.agent;

import io.remotesecrets.agent.config.RemoteWriteConfig;
import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.model.Sample;
import io.remotesecrets.agent.scrape.SampleSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every scraped sample to every remote_write queue (each queue adds the external labels
 * and applies its write relabelling). On reload, a queue whose config and external labels are
 * unchanged keeps running with what it buffered; a replaced queue flushes in the background.
 */
final class RemoteWrites implements SampleSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteWrites.class);

  /** One remote_write destination. */
  interface Queue extends AutoCloseable {
    /** Buffers a sample for sending; never blocks on the network. */
    void append(Sample sample);

    /** Stops accepting samples and flushes what is buffered, within the queue's flush deadline. */
    @Override
    void close();
  }

  private record Key(RemoteWriteConfig config, Labels externalLabels) {}

  private record Entry(Key key, Queue queue) {}

  private volatile List<Entry> entries = List.of();

  synchronized void apply(List<RemoteWriteConfig> configs, Map<String, String> externalLabels,
      BiFunction<RemoteWriteConfig, Labels, Queue> factory) {
    Labels external = Labels.of(externalLabels);
    Map<Key, Entry> old = new LinkedHashMap<>();
    for (Entry e : entries) old.put(e.key(), e);
    List<Entry> next = new ArrayList<>();
    for (RemoteWriteConfig c : configs) {
      Key k = new Key(c, external);
      Entry kept = old.remove(k);
      next.add(kept != null ? kept : new Entry(k, factory.apply(c, external)));
    }
    entries = List.copyOf(next);
    for (Entry e : old.values()) {
      log.atInfo().addKeyValue("remote_name", e.key().config().name())
          .addKeyValue("url", e.key().config().redactedUrl()).log("stopping remote_write queue");
      Thread t = new Thread(e.queue()::close, "remote-write-flush-" + e.key().config().name());
      t.setDaemon(true);
      t.start();
    }
  }

  @Override
  public void append(List<Sample> samples) {
    for (Entry e : entries) {
      for (Sample s : samples) e.queue().append(s);
    }
  }

  @Override
  public synchronized void close() {
    List<Entry> all = entries;
    entries = List.of();
    all.parallelStream().forEach(e -> e.queue().close());
  }
}
