package io.remotesecrets.agent.scrape;

import io.remotesecrets.agent.config.Prom;
import io.remotesecrets.agent.config.ScrapeConfig;
import io.remotesecrets.agent.config.TargetGroup;
import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.relabel.RelabelConfig;
import io.remotesecrets.config.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prometheus 2.42's {@code scrape.PopulateLabels}: discovered labels to target labels and URL. */
final class TargetLabels {
  static final String ADDRESS = "__address__";
  static final String SCHEME = "__scheme__";
  static final String METRICS_PATH = "__metrics_path__";
  static final String SCRAPE_INTERVAL = "__scrape_interval__";
  static final String SCRAPE_TIMEOUT = "__scrape_timeout__";
  static final String PARAM_PREFIX = "__param_";
  static final String META_PREFIX = "__meta_";
  static final String RESERVED_PREFIX = "__";

  private TargetLabels() {}

  /** The outcome for one discovered target: a target to scrape, or why it was dropped. */
  sealed interface Result permits Active, Dropped {}

  record Active(Labels labels, Labels discovered, URI url, Duration interval, Duration timeout) implements Result {
    /** Target labels without {@code __} labels: the ones added to every scraped series. */
    Labels publicLabels() {
      Labels.Builder b = labels.toBuilder();
      for (int i = 0; i < labels.size(); i++) {
        if (labels.name(i).startsWith(RESERVED_PREFIX)) b.delete(labels.name(i));
      }
      return b.build();
    }
  }

  record Dropped(Labels discovered, String reason) implements Result {}

  /** Every target of a group, in order. {@code extra} labels (such as {@code __meta_filepath}) are added to each. */
  static List<Result> fromGroup(ScrapeConfig cfg, TargetGroup group, Map<String, String> extra) {
    List<Result> out = new ArrayList<>();
    for (String address : group.targets()) {
      Labels.Builder b = Labels.builder();
      group.labels().forEach(b::set);
      extra.forEach(b::set);
      b.set(ADDRESS, address);
      out.add(populate(cfg, b.build()));
    }
    return out;
  }

  static Result populate(ScrapeConfig cfg, Labels discovered) {
    Labels.Builder b = discovered.toBuilder();
    setIfAbsent(b, "job", cfg.jobName());
    setIfAbsent(b, SCRAPE_INTERVAL, Durations.format(cfg.scrapeInterval()));
    setIfAbsent(b, SCRAPE_TIMEOUT, Durations.format(cfg.scrapeTimeout()));
    setIfAbsent(b, METRICS_PATH, cfg.metricsPath());
    setIfAbsent(b, SCHEME, cfg.scheme());
    for (Map.Entry<String, List<String>> p : cfg.params().entrySet()) {
      if (!p.getValue().isEmpty()) setIfAbsent(b, PARAM_PREFIX + p.getKey(), p.getValue().get(0));
    }
    Labels pre = b.build();
    Labels relabeled = RelabelConfig.process(pre, cfg.relabelConfigs());
    if (relabeled == null) return new Dropped(pre, "dropped by relabeling");
    String address = relabeled.get(ADDRESS);
    if (address.isEmpty()) return new Dropped(pre, "no address");
    Labels.Builder lb = relabeled.toBuilder();
    String scheme = relabeled.get(SCHEME);
    if (needsPort(address)) {
      switch (scheme) {
        case "http", "" -> address = address + ":80";
        case "https" -> address = address + ":443";
        default -> {
          return new Dropped(pre, "invalid scheme: " + Prom.quote(scheme));
        }
      }
      lb.set(ADDRESS, address);
    }
    if (address.contains("/")) return new Dropped(pre, Prom.quote(address) + " is not a valid hostname");
    Duration interval;
    Duration timeout;
    try {
      interval = Durations.parse(relabeled.get(SCRAPE_INTERVAL));
      timeout = Durations.parse(relabeled.get(SCRAPE_TIMEOUT));
    } catch (IllegalArgumentException e) {
      return new Dropped(pre, "error parsing scrape interval or timeout: " + e.getMessage());
    }
    if (interval.isZero()) return new Dropped(pre, "scrape interval cannot be 0");
    if (timeout.isZero()) return new Dropped(pre, "scrape timeout cannot be 0");
    if (timeout.compareTo(interval) > 0) {
      return new Dropped(pre, "scrape timeout cannot be greater than scrape interval (" + Prom.quote(
          Durations.format(timeout)) + " > " + Prom.quote(Durations.format(interval)) + ")");
    }
    for (int i = 0; i < relabeled.size(); i++) {
      if (relabeled.name(i).startsWith(META_PREFIX)) lb.delete(relabeled.name(i));
    }
    if (relabeled.get("instance").isEmpty()) lb.set("instance", address);
    Labels labels = lb.build();
    URI url;
    try {
      url = url(cfg, labels);
    } catch (URISyntaxException e) {
      return new Dropped(pre, "invalid target URL: " + e.getReason());
    }
    return new Active(labels, pre, url, interval, timeout);
  }

  /** The scrape URL: scheme, address and path from labels; configured params, with {@code __param_*} labels overriding the first value. */
  static URI url(ScrapeConfig cfg, Labels labels) throws URISyntaxException {
    StringBuilder query = new StringBuilder();
    Map<String, List<String>> params = new java.util.TreeMap<>(cfg.params());
    for (int i = 0; i < labels.size(); i++) {
      String n = labels.name(i);
      if (n.startsWith(PARAM_PREFIX)) {
        String key = n.substring(PARAM_PREFIX.length());
        List<String> values = new ArrayList<>(params.getOrDefault(key, List.of()));
        if (values.isEmpty()) values.add(labels.value(i));
        else values.set(0, labels.value(i));
        params.put(key, values);
      }
    }
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      for (String v : p.getValue()) {
        if (query.length() > 0) query.append('&');
        query.append(encode(p.getKey())).append('=').append(encode(v));
      }
    }
    String path = labels.get(METRICS_PATH);
    if (!path.startsWith("/")) path = "/" + path;
    String base = labels.get(SCHEME) + "://" + labels.get(ADDRESS) + path;
    return new URI(query.length() == 0 ? base : base + "?" + query);
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Go's check: the address has no port, but would parse with one. */
  private static boolean needsPort(String address) {
    if (address.startsWith("[")) return !address.contains("]:");
    int colon = address.lastIndexOf(':');
    if (colon < 0) return true;
    // More than one colon without brackets: an IPv6 literal without port, which Go rejects with or without one.
    return false;
  }

  private static void setIfAbsent(Labels.Builder b, String name, String value) {
    if (b.get(name).isEmpty()) b.set(name, value);
  }
}
