package io.remotesecrets.agent.config;

import io.remotesecrets.agent.relabel.RelabelConfig;
import io.remotesecrets.http.HttpClientConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code scrape_configs} entry, with the global defaults applied. Value equality: a reload
 * keeps the running job when its new config is equal to the old one.
 *
 * @param params query parameters of every scrape, in file order
 * @param sampleLimit most samples after metric relabelling, else the scrape fails; 0 for no limit
 * @param bodySizeLimit most bytes of an uncompressed response body, else the scrape fails; 0 for no limit
 * @param targetLimit most targets after relabelling, else every target of the job fails; 0 for no limit
 * @param labelLimit most labels per series after metric relabelling, else the scrape fails; 0 for no limit
 * @param labelNameLengthLimit longest label name, else the scrape fails; 0 for no limit
 * @param labelValueLengthLimit longest label value, else the scrape fails; 0 for no limit
 */
public record ScrapeConfig(
    String jobName,
    Duration scrapeInterval,
    Duration scrapeTimeout,
    String metricsPath,
    String scheme,
    Map<String, List<String>> params,
    boolean honorLabels,
    boolean honorTimestamps,
    int sampleLimit,
    long bodySizeLimit,
    int targetLimit,
    int labelLimit,
    int labelNameLengthLimit,
    int labelValueLengthLimit,
    List<TargetGroup> staticConfigs,
    List<FileSdConfig> fileSdConfigs,
    List<RelabelConfig> relabelConfigs,
    List<RelabelConfig> metricRelabelConfigs,
    HttpClientConfig httpClientConfig) {

  public ScrapeConfig {
    params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    staticConfigs = List.copyOf(staticConfigs);
    fileSdConfigs = List.copyOf(fileSdConfigs);
    relabelConfigs = List.copyOf(relabelConfigs);
    metricRelabelConfigs = List.copyOf(metricRelabelConfigs);
  }
}
