package io.remotesecrets.agent.config;

import io.remotesecrets.agent.relabel.RelabelConfig;
import io.remotesecrets.agent.remotewrite.QueueConfig;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigException;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.http.HttpClientConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a prometheus.yml into an {@link AgentConfig}. Every section is parsed even after an
 * error, so that one load reports every problem.
 */
final class ConfigParser {
  /** Top-level sections of Prometheus's configuration that an agent has no use for. */
  private static final Map<String, String> UNSUPPORTED_SECTIONS = new LinkedHashMap<>();

  static {
    UNSUPPORTED_SECTIONS.put("rule_files", "the agent evaluates no rules");
    UNSUPPORTED_SECTIONS.put("alerting", "the agent sends no alerts");
    UNSUPPORTED_SECTIONS.put("remote_read", "the agent stores nothing to query");
    UNSUPPORTED_SECTIONS.put("storage", "the agent keeps no local storage");
    UNSUPPORTED_SECTIONS.put("tracing", "the agent exports no traces");
    UNSUPPORTED_SECTIONS.put("scrape_config_files", "list the scrape configs in this file");
    UNSUPPORTED_SECTIONS.put("runtime", "the agent has no runtime tuning section");
    UNSUPPORTED_SECTIONS.put("otlp", "the agent receives no OTLP");
  }

  /** Prometheus fields the agent does not implement; named in the error instead of "unknown field". */
  private static final Set<String> UNSUPPORTED_GLOBAL_FIELDS = Set.of(
      "query_log_file", "scrape_failure_log_file", "body_size_limit", "sample_limit", "target_limit", "label_limit",
      "label_name_length_limit", "label_value_length_limit", "keep_dropped_targets", "scrape_protocols",
      "rule_query_offset", "metric_name_validation_scheme", "metric_name_escaping_scheme",
      "scrape_native_histograms", "convert_classic_histograms_to_nhcb", "always_scrape_classic_histograms",
      "extra_scrape_metrics");
  private static final Set<String> UNSUPPORTED_SCRAPE_FIELDS = Set.of(
      "native_histogram_bucket_limit", "native_histogram_min_bucket_factor", "keep_dropped_targets",
      "track_timestamps_staleness", "scrape_protocols", "fallback_scrape_protocol", "scrape_native_histograms",
      "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb", "scrape_failure_log_file",
      "metric_name_validation_scheme", "metric_name_escaping_scheme", "extra_scrape_metrics",
      "scrape_classic_histograms", "enable_compression");
  private static final Set<String> UNSUPPORTED_REMOTE_WRITE_FIELDS = Set.of(
      "sigv4", "azuread", "google_iam", "round_robin_dns", "protobuf_message");

  /** Headers a remote_write config may not set; Prometheus 2.42's list. */
  private static final Set<String> RESERVED_HEADERS = Set.of(
      "host", "content-encoding", "content-length", "content-type", "user-agent", "connection", "keep-alive",
      "proxy-authenticate", "proxy-authorization", "www-authenticate", "accept-encoding",
      "x-prometheus-remote-write-version", "x-prometheus-remote-read-version",
      "x-amz-date", "x-amz-security-token", "x-amz-content-sha256");

  /** Prometheus's {@code patFileSDName}. */
  private static final Pattern FILE_SD_NAME = Pattern.compile("^[^*]*(\\*[^/]*)?\\.(json|yml|yaml|JSON|YML|YAML)$");

  private static final Pattern BYTES = Pattern.compile("^(\\d{1,18})(B|KB|MB|GB|TB|PB|EB|KiB|MiB|GiB|TiB|PiB|EiB)?$");
  private static final Pattern SCHEME_PREFIX = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  private final ConfigDocument document;
  private final ConfigContext context;

  ConfigParser(ConfigDocument document, ConfigContext context) {
    this.document = document;
    this.context = context;
  }

  AgentConfig parse() {
    ConfigMap root = attempt(() -> document.root().asMap()).orElse(null);
    if (root == null) {
      document.finish();
      throw new IllegalStateException("unreachable: finish() throws after a recorded error");
    }
    for (Map.Entry<String, String> e : UNSUPPORTED_SECTIONS.entrySet()) {
      root.get(e.getKey()).ifPresent(n -> {
        if (!isEmpty(n)) n.error(e.getKey() + " is not supported by the remote-secrets agent (" + e.getValue() + ")");
      });
    }
    GlobalConfig global = attempt(() -> global(root.map("global"))).orElse(
        new GlobalConfig(GlobalConfig.DEFAULT_SCRAPE_INTERVAL, GlobalConfig.DEFAULT_SCRAPE_TIMEOUT,
            GlobalConfig.DEFAULT_EVALUATION_INTERVAL, Map.of()));
    List<ScrapeConfig> scrapes = scrapeConfigs(root, global);
    List<RemoteWriteConfig> writes = remoteWrites(root);
    document.finish();
    return new AgentConfig(document.fileName(), global, scrapes, writes, context.providers(), context.secrets(),
        document.dump());
  }

  private GlobalConfig global(ConfigMap g) {
    // Providers first: secret fields anywhere in the file refer to them.
    g.get("secret_providers").ifPresent(n -> attempt(() -> {
      context.declareProviders(n);
      return null;
    }));
    rejectUnsupportedFields(g, UNSUPPORTED_GLOBAL_FIELDS, "global");
    Optional<ConfigNode> intervalNode = g.get("scrape_interval");
    Duration interval = intervalNode.flatMap(n -> attempt(n::asDuration)).orElse(Duration.ZERO);
    if (interval.isZero()) interval = GlobalConfig.DEFAULT_SCRAPE_INTERVAL;
    Optional<ConfigNode> timeoutNode = g.get("scrape_timeout");
    Duration timeout = timeoutNode.flatMap(n -> attempt(n::asDuration)).orElse(Duration.ZERO);
    if (timeout.compareTo(interval) > 0) {
      timeoutNode.orElse(g.node()).error("global scrape timeout greater than scrape interval");
    }
    if (timeout.isZero()) timeout = min(GlobalConfig.DEFAULT_SCRAPE_TIMEOUT, interval);
    Duration evaluation = g.get("evaluation_interval").flatMap(n -> attempt(n::asDuration)).orElse(Duration.ZERO);
    if (evaluation.isZero()) evaluation = GlobalConfig.DEFAULT_EVALUATION_INTERVAL;
    Map<String, String> external = labels(g, "external_labels");
    return new GlobalConfig(interval, timeout, evaluation, external);
  }

  private List<ScrapeConfig> scrapeConfigs(ConfigMap root, GlobalConfig global) {
    List<ScrapeConfig> out = new ArrayList<>();
    Map<String, ConfigNode> jobNames = new LinkedHashMap<>();
    for (ConfigNode item : attempt(() -> root.list("scrape_configs")).orElse(List.of())) {
      if (item.isNull()) {
        item.error("empty or null scrape config section");
        continue;
      }
      attempt(() -> scrapeConfig(item.asMap(), global, jobNames)).ifPresent(out::add);
    }
    return out;
  }

  private ScrapeConfig scrapeConfig(ConfigMap m, GlobalConfig global, Map<String, ConfigNode> jobNames) {
    ConfigNode jobNode = m.get("job_name").orElse(null);
    String jobName = jobNode == null ? "" : attempt(jobNode::asString).orElse("");
    if (jobName.isEmpty()) {
      (jobNode == null ? m.node() : jobNode).error("job_name is empty");
    } else if (jobNames.putIfAbsent(jobName, jobNode) != null) {
      jobNode.error("found multiple scrape configs with job name " + Prom.quote(jobName));
    }
    for (String key : m.keys()) {
      if (key.endsWith("_sd_configs") && !key.equals("file_sd_configs")) {
        m.get(key).ifPresent(n -> n.error(key + " is not supported by the remote-secrets agent; "
            + "use static_configs or file_sd_configs"));
      }
    }
    rejectUnsupportedFields(m, UNSUPPORTED_SCRAPE_FIELDS, "scrape_configs");

    Duration interval = m.get("scrape_interval").flatMap(n -> attempt(n::asDuration)).orElse(Duration.ZERO);
    if (interval.isZero()) interval = global.scrapeInterval();
    Optional<ConfigNode> timeoutNode = m.get("scrape_timeout");
    Duration timeout = timeoutNode.flatMap(n -> attempt(n::asDuration)).orElse(Duration.ZERO);
    if (timeout.compareTo(interval) > 0) {
      timeoutNode.orElse(m.node()).error(
          "scrape timeout greater than scrape interval for scrape config with job name " + Prom.quote(jobName));
    }
    if (timeout.isZero()) timeout = min(global.scrapeTimeout(), interval);

    String metricsPath = m.get("metrics_path").flatMap(n -> attempt(n::asString)).orElse("/metrics");
    String scheme = "http";
    Optional<ConfigNode> schemeNode = m.get("scheme");
    if (schemeNode.isPresent()) {
      scheme = attempt(schemeNode.get()::asString).orElse("http");
      if (!scheme.equals("http") && !scheme.equals("https")) {
        schemeNode.get().error("scheme must be \"http\" or \"https\", got " + Prom.quote(scheme));
      }
    }
    Map<String, List<String>> params = new LinkedHashMap<>();
    m.get("params").flatMap(n -> attempt(n::asMap)).ifPresent(pm -> {
      for (String k : pm.keys()) {
        pm.get(k).ifPresent(v -> attempt(() -> {
          List<String> values = new ArrayList<>();
          for (ConfigNode x : v.asList()) values.add(x.asString());
          return params.put(k, List.copyOf(values));
        }));
      }
    });
    boolean honorLabels = m.get("honor_labels").flatMap(n -> attempt(n::asBoolean)).orElse(false);
    boolean honorTimestamps = m.get("honor_timestamps").flatMap(n -> attempt(n::asBoolean)).orElse(true);
    int sampleLimit = nonNegative(m, "sample_limit", 0);
    long bodySizeLimit = m.get("body_size_limit").flatMap(n -> attempt(() -> bytes(n))).orElse(0L);
    int targetLimit = nonNegative(m, "target_limit", 0);
    int labelLimit = nonNegative(m, "label_limit", 0);
    int labelNameLengthLimit = nonNegative(m, "label_name_length_limit", 0);
    int labelValueLengthLimit = nonNegative(m, "label_value_length_limit", 0);

    List<ConfigNode> relabelNodes = relabelNodes(m, "relabel_configs", "empty or null target relabeling rule in scrape config");
    List<ConfigNode> metricRelabelNodes =
        relabelNodes(m, "metric_relabel_configs", "empty or null metric relabeling rule in scrape config");
    boolean checkAddresses = !m.has("relabel_configs") || relabelNodes.isEmpty();
    List<TargetGroup> statics = staticConfigs(m, checkAddresses);
    List<FileSdConfig> fileSd = fileSdConfigs(m);
    List<RelabelConfig> relabel = attempt(() -> RelabelConfig.parseList(relabelNodes)).orElse(List.of());
    List<RelabelConfig> metricRelabel = attempt(() -> RelabelConfig.parseList(metricRelabelNodes)).orElse(List.of());
    HttpClientConfig http = HttpClientConfig.parse(m, context);
    return new ScrapeConfig(jobName, interval, timeout, metricsPath, scheme, params, honorLabels, honorTimestamps,
        sampleLimit, bodySizeLimit, targetLimit, labelLimit, labelNameLengthLimit, labelValueLengthLimit, statics, fileSd,
        relabel, metricRelabel, http);
  }

  /** A size as Go's {@code units.Base2Bytes} reads it: {@code 512}, {@code 10MB} (= 10 MiB), {@code 1GiB}. */
  private static long bytes(ConfigNode n) {
    String text = n.asString();
    Matcher m = BYTES.matcher(text);
    if (!m.matches()) throw n.error("invalid size " + Prom.quote(text) + "; use a number of bytes with an optional unit: KB, MB, GB, TB (powers of 1024)");
    long value = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2).replace("i", "");
    int shift = switch (unit) {
      case "KB" -> 10;
      case "MB" -> 20;
      case "GB" -> 30;
      case "TB" -> 40;
      case "PB" -> 50;
      case "EB" -> 60;
      default -> 0;
    };
    if (value > (Long.MAX_VALUE >> shift)) throw n.error("size " + Prom.quote(text) + " is too large");
    return value << shift;
  }

  private List<TargetGroup> staticConfigs(ConfigMap m, boolean checkAddresses) {
    List<TargetGroup> out = new ArrayList<>();
    List<ConfigNode> items = m.get("static_configs").flatMap(n -> attempt(n::asList)).orElse(List.of());
    for (int i = 0; i < items.size(); i++) {
      int index = i;
      ConfigNode item = items.get(i);
      attempt(() -> {
        ConfigMap g = item.asMap();
        List<String> targets = new ArrayList<>();
        for (ConfigNode t : g.list("targets")) {
          String address = t.asString();
          if (checkAddresses && address.contains("/")) t.error(Prom.quote(address) + " is not a valid hostname");
          targets.add(address);
        }
        return out.add(new TargetGroup(targets, labels(g, "labels"), Integer.toString(index)));
      });
    }
    return out;
  }

  private List<FileSdConfig> fileSdConfigs(ConfigMap m) {
    List<FileSdConfig> out = new ArrayList<>();
    for (ConfigNode item : m.get("file_sd_configs").flatMap(n -> attempt(n::asList)).orElse(List.of())) {
      attempt(() -> {
        ConfigMap f = item.asMap();
        List<ConfigNode> files = f.list("files");
        if (files.isEmpty()) throw f.node().error("file service discovery config must contain at least one path name");
        List<String> paths = new ArrayList<>();
        for (ConfigNode n : files) {
          String name = n.asString();
          if (!FILE_SD_NAME.matcher(name).matches()) {
            n.error("path name " + Prom.quote(name) + " is not valid for file discovery");
          } else {
            paths.add(context.resolve(name).toString());
          }
        }
        Duration refresh = f.duration("refresh_interval", FileSdConfig.DEFAULT_REFRESH_INTERVAL);
        if (refresh.isZero()) refresh = FileSdConfig.DEFAULT_REFRESH_INTERVAL;
        return out.add(new FileSdConfig(paths, refresh));
      });
    }
    return out;
  }

  private List<RemoteWriteConfig> remoteWrites(ConfigMap root) {
    List<RemoteWriteConfig> out = new ArrayList<>();
    Map<String, ConfigNode> names = new LinkedHashMap<>();
    List<ConfigNode> items = attempt(() -> root.list("remote_write")).orElse(List.of());
    for (int i = 0; i < items.size(); i++) {
      ConfigNode item = items.get(i);
      if (item.isNull()) {
        item.error("empty or null remote write config section");
        continue;
      }
      int index = i;
      attempt(() -> remoteWrite(item.asMap(), index, names)).ifPresent(out::add);
    }
    return out;
  }

  private RemoteWriteConfig remoteWrite(ConfigMap m, int index, Map<String, ConfigNode> names) {
    rejectUnsupportedFields(m, UNSUPPORTED_REMOTE_WRITE_FIELDS, "remote_write");
    Optional<ConfigNode> urlNode = m.get("url");
    URI url = null;
    if (urlNode.isEmpty()) {
      m.node().error("url for remote_write is empty");
    } else {
      url = attempt(() -> remoteWriteUrl(urlNode.get())).orElse(null);
    }
    String name = "";
    Optional<ConfigNode> nameNode = m.get("name");
    if (nameNode.isPresent()) {
      name = attempt(nameNode.get()::asString).orElse("");
      if (!name.isEmpty() && names.putIfAbsent(name, nameNode.get()) != null) {
        nameNode.get().error("found multiple remote write configs with job name " + Prom.quote(name));
      }
    }
    Duration timeout = m.get("remote_timeout").flatMap(n -> attempt(n::asDuration))
        .orElse(RemoteWriteConfig.DEFAULT_REMOTE_TIMEOUT);
    Map<String, String> headers = new TreeMap<>();
    m.get("headers").flatMap(n -> attempt(n::asMap)).ifPresent(hm -> {
      for (String h : hm.keys()) {
        ConfigNode v = hm.get(h).orElse(null);
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.equals("authorization")) {
          (v == null ? hm.node() : v).error(
              "authorization header must be changed via the basic_auth, authorization, oauth2, or sigv4 parameter");
        } else if (RESERVED_HEADERS.contains(lower)) {
          (v == null ? hm.node() : v).error(h + " is a reserved header. It must not be changed");
        }
        if (v != null) attempt(v::asString).ifPresent(s -> headers.put(h, s));
      }
    });
    List<ConfigNode> relabelNodes =
        relabelNodes(m, "write_relabel_configs", "empty or null relabeling rule in remote write config");
    List<RelabelConfig> relabel = attempt(() -> RelabelConfig.parseList(relabelNodes)).orElse(List.of());
    QueueConfig queue = m.get("queue_config").flatMap(n -> attempt(() -> QueueConfig.parse(n.asMap()))).orElse(QueueConfig.DEFAULT);
    m.get("metadata_config").ifPresent(n -> attempt(() -> metadataConfig(n.asMap())));
    for (String flag : List.of("send_exemplars", "send_native_histograms")) {
      m.get(flag).ifPresent(n -> attempt(n::asBoolean).ifPresent(b -> {
        if (b) n.error(flag + " is not supported by the remote-secrets agent, which scrapes no exemplars or native histograms");
      }));
    }
    HttpClientConfig http = HttpClientConfig.parse(m, context);
    if (url == null) throw new ConfigException(List.of());
    if (name.isEmpty()) name = derivedName(url, index);
    return new RemoteWriteConfig(url, name, timeout, headers, relabel, queue, http);
  }

  private URI remoteWriteUrl(ConfigNode node) {
    String text = node.asString();
    URI url;
    try {
      url = new URI(text);
    } catch (URISyntaxException e) {
      // The reason only: the URL may hold a password in its user info.
      if (!SCHEME_PREFIX.matcher(text).find()) throw node.error("invalid url: missing protocol scheme");
      throw node.error("invalid url: " + e.getReason() + " at index " + e.getIndex());
    }
    if (url.getRawUserInfo() != null) {
      // Metric labels, logs and the status page show the URL: credentials belong in basic_auth.
      node.markSecret();
      throw node.error("invalid url: user info is not allowed; use basic_auth (its password can come from a secret provider)");
    }
    if (url.getScheme() == null) throw node.error("invalid url: missing protocol scheme");
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw node.error("invalid url: scheme must be http or https, got " + Prom.quote(url.getScheme()));
    }
    if (url.getHost() == null) throw node.error("invalid url: no host");
    return url;
  }

  /** Accepted for compatibility; the agent sends no metadata. */
  private Void metadataConfig(ConfigMap md) {
    md.get("send").ifPresent(n -> attempt(n::asBoolean));
    md.get("send_interval").ifPresent(n -> attempt(n::asDuration));
    md.get("max_samples_per_send").ifPresent(n -> attempt(n::asInt));
    return null;
  }

  private List<ConfigNode> relabelNodes(ConfigMap m, String key, String nullMessage) {
    List<ConfigNode> out = new ArrayList<>();
    for (ConfigNode n : m.get(key).flatMap(x -> attempt(x::asList)).orElse(List.of())) {
      if (n.isNull()) n.error(nullMessage);
      else out.add(n);
    }
    return out;
  }

  private Map<String, String> labels(ConfigMap owner, String key) {
    Map<String, String> out = new TreeMap<>();
    owner.get(key).flatMap(n -> attempt(n::asMap)).ifPresent(lm -> {
      for (String name : lm.keys()) {
        ConfigNode v = lm.get(name).orElse(null);
        if (!Prom.isValidLabelName(name)) {
          (v == null ? lm.node() : v).error(Prom.quote(name) + " is not a valid label name");
          continue;
        }
        // A null value is an empty label value, which Prometheus treats as an absent label.
        String value = v == null ? "" : attempt(v::asString).orElse("");
        out.put(name, value);
      }
    });
    return out;
  }

  private void rejectUnsupportedFields(ConfigMap m, Set<String> fields, String section) {
    for (String key : m.keys()) {
      if (fields.contains(key)) {
        m.get(key).ifPresent(n -> n.error(key + " is not supported in " + section + " by the remote-secrets agent"));
      }
    }
  }

  private int nonNegative(ConfigMap m, String key, int defaultValue) {
    Optional<ConfigNode> n = m.get(key);
    if (n.isEmpty()) return defaultValue;
    int v = attempt(n.get()::asInt).orElse(defaultValue);
    if (v < 0) {
      n.get().error(key + " must not be negative, got " + v);
      return defaultValue;
    }
    return v;
  }



  private static boolean isEmpty(ConfigNode n) {
    if (n.isList()) return n.asList().isEmpty();
    if (n.isMap()) {
      ConfigMap m = n.asMap();
      m.readAll();
      for (String k : m.keys()) {
        if (m.get(k).map(v -> !isEmpty(v)).orElse(false)) return false;
      }
      return true;
    }
    return n.isNull();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Prometheus names an unnamed queue by a hash of its config; the URL and position serve here. */
  private static String derivedName(URI url, int index) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest((index + " " + io.remotesecrets.config.Urls.redact(url.toString())).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 3);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** Runs a step; a {@link ConfigException} (already recorded) gives empty so parsing goes on. */
  private static <T> Optional<T> attempt(Supplier<T> step) {
    try {
      return Optional.ofNullable(step.get());
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }
}
