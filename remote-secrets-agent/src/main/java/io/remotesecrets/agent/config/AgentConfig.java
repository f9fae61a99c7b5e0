package io.remotesecrets.agent.config;

import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigException;
import io.remotesecrets.config.ProviderBinding;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's configuration: a Prometheus {@code prometheus.yml} restricted to what an agent
 * does (global, scrape_configs with static and file service discovery, remote_write), plus
 * {@code global.secret_providers}.
 *
 * <p>Loading is strict: unknown fields are errors, sections the agent does not implement
 * (rule_files, alerting, remote_read, other service discovery types...) are rejected with a
 * message naming them, and every problem is reported at once with file, line and field path.
 * Defaults and messages follow Prometheus 2.42's {@code config} package.
 *
 * <p>Immutable and thread-safe once loaded.
 */
public final class AgentConfig {
  private final String fileName;
  private final GlobalConfig global;
  private final List<ScrapeConfig> scrapeConfigs;
  private final List<RemoteWriteConfig> remoteWriteConfigs;
  private final Map<String, ProviderBinding> providers;
  private final List<ConfigContext.UsedSecret> secrets;
  private final String dump;

  AgentConfig(String fileName, GlobalConfig global, List<ScrapeConfig> scrapeConfigs,
      List<RemoteWriteConfig> remoteWriteConfigs, Map<String, ProviderBinding> providers,
      List<ConfigContext.UsedSecret> secrets, String dump) {
    this.fileName = fileName;
    this.global = global;
    this.scrapeConfigs = List.copyOf(scrapeConfigs);
    this.remoteWriteConfigs = List.copyOf(remoteWriteConfigs);
    this.providers = Map.copyOf(providers);
    this.secrets = List.copyOf(secrets);
    this.dump = dump;
  }

  /**
   * Reads and validates a configuration file.
   *
   * @throws ConfigException with every problem found, each naming file, line and field
   */
  public static AgentConfig load(Path file, SecretProviderFactories factories) {
    return parse(ConfigDocument.read(file), factories);
  }

  /**
   * Parses configuration text; {@code file} (may be null) is where relative paths resolve from.
   *
   * @throws ConfigException with every problem found
   */
  public static AgentConfig parse(String fileName, Path file, String text, SecretProviderFactories factories) {
    return parse(ConfigDocument.parse(fileName, file, text), factories);
  }

  private static AgentConfig parse(ConfigDocument document, SecretProviderFactories factories) {
    return new ConfigParser(document, new ConfigContext(document, factories)).parse();
  }

  /** The name of the file it was loaded from. */
  public String fileName() {
    return fileName;
  }

  public GlobalConfig global() {
    return global;
  }

  public List<ScrapeConfig> scrapeConfigs() {
    return scrapeConfigs;
  }

  public Optional<ScrapeConfig> scrapeConfig(String jobName) {
    return scrapeConfigs.stream().filter(s -> s.jobName().equals(jobName)).findFirst();
  }

  public List<RemoteWriteConfig> remoteWriteConfigs() {
    return remoteWriteConfigs;
  }

  /** The providers declared under {@code global.secret_providers}, by name. */
  public Map<String, ProviderBinding> providers() {
    return providers;
  }

  /** Every secret field of the file, with its path and where its value comes from. */
  public List<ConfigContext.UsedSecret> secrets() {
    return secrets;
  }

  /** The specs of {@link #secrets()}, for {@code SecretManager.retainOnly}. */
  public List<SecretSpec> secretSpecs() {
    List<SecretSpec> out = new ArrayList<>();
    for (ConfigContext.UsedSecret s : secrets) out.add(s.spec());
    return out;
  }

  /** The file as YAML with every secret value printed as {@code <secret>}. */
  public String dump() {
    return dump;
  }

  @Override
  public String toString() {
    return "AgentConfig{" + fileName + ", " + scrapeConfigs.size() + " scrape configs, "
        + remoteWriteConfigs.size() + " remote_write}";
  }
}
