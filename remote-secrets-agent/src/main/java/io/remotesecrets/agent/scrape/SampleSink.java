package io.remotesecrets.agent.scrape;

import io.remotesecrets.agent.model.Sample;
import java.util.List;

/** Where scraped samples go: every remote_write queue. Called by scrape loops concurrently. */
@FunctionalInterface
public interface SampleSink {
  /** Takes the samples of one scrape (staleness markers and synthetic series included). Must not block for long. */
  void append(List<Sample> samples);
}
