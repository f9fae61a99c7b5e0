package io.remotesecrets.config;

import io.remotesecrets.Secret;
import io.remotesecrets.provider.file.FileProviderConfig;
import io.remotesecrets.spi.SecretProviderConfig;
import io.remotesecrets.spi.SecretProviderFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What parsers of one configuration file share: the provider types, the providers declared
 * under {@code global.secret_providers}, the directory relative paths resolve against, and the
 * list of every secret the file uses.
 *
 * <p>{@link #secret(ConfigMap, String, String)} is how every secret-typed field is read, so
 * that all of them accept the same four forms:
 *
 * <pre>{@code
 * password: plain-text                       # inline
 * password_file: /etc/prometheus/pass        # file, relative to the config file's directory
 * password_ref: {kube1: myuser-pass}         # a declared provider and a ref (first draft)
 * password: {kubernetes: {name: pass2, key: http_password, refresh_interval: 30m}}  # map form (0047)
 * }</pre>
 */
public final class ConfigContext {
  private final ConfigDocument document;
  private final SecretProviderFactories factories;
  private final Map<String, Declared> declared = new LinkedHashMap<>();
  private final List<UsedSecret> used = new ArrayList<>();

  /** A secret field of the file and where it gets its value. */
  public record UsedSecret(String path, SecretSpec spec) {}

  private record Declared(ProviderBinding binding, Duration refreshInterval, int line) {}

  public ConfigContext(ConfigDocument document, SecretProviderFactories factories) {
    this.document = document;
    this.factories = factories;
  }

  public ConfigDocument document() {
    return document;
  }

  public SecretProviderFactories factories() {
    return factories;
  }

  /**
   * Declares the providers of {@code global.secret_providers}: a list of
   * {@code {name: <name>, <type>_sp_config: {...}}}. A provider's own secrets may use the
   * providers declared before it, which rules out cycles.
   */
  public void declareProviders(ConfigNode list) {
    for (ConfigNode item : list.asList()) {
      try {
        declareProvider(item.asMap());
      } catch (ConfigException e) {
        // Recorded in the document; go on to report problems in the other entries.
      }
    }
  }

  private void declareProvider(ConfigMap entry) {
    ConfigNode nameNode = entry.required("name");
    String name = nameNode.asString();
    if (name.isEmpty()) throw nameNode.error("secret provider name must not be empty");
    List<String> typeKeys = new ArrayList<>();
    for (String key : entry.keys()) if (key.endsWith("_sp_config")) typeKeys.add(key);
    if (typeKeys.size() != 1) {
      throw entry.node().error("exactly one <type>_sp_config must be configured for secret provider \""
          + name + "\", found " + (typeKeys.isEmpty() ? "none" : String.join(", ", typeKeys)));
    }
    String key = typeKeys.get(0);
    String type = key.substring(0, key.length() - "_sp_config".length());
    ConfigNode configNode = entry.get(key).orElseGet(() -> entry.node());
    SecretProviderFactory factory = factories.get(type).orElseThrow(() -> configNode.error(
        "unknown secret provider type \"" + type + "\"; known types: " + factories.typeNames()));
    ConfigMap params = configNode.asMap();
    Duration refresh = refreshInterval(params);
    SecretProviderConfig config = factory.parse(params, this);
    Declared first = declared.get(name);
    if (first != null) {
      throw nameNode.error("duplicate secret provider name \"" + name + "\" (first at line " + first.line() + ")");
    }
    declared.put(name, new Declared(new ProviderBinding(name, type, config), refresh, nameNode.line()));
  }

  /** The providers declared so far, by name, in declaration order. */
  public Map<String, ProviderBinding> providers() {
    Map<String, ProviderBinding> out = new LinkedHashMap<>();
    declared.forEach((k, v) -> out.put(k, v.binding()));
    return Collections.unmodifiableMap(out);
  }

  /**
   * Reads the secret field {@code field} of {@code map} in any of its forms: {@code field}
   * (inline or map form), {@code field_file} or {@code field_ref}.
   *
   * @param owner how Prometheus names the owning section in its "at most one of" message,
   *     with a trailing space ({@code "basic_auth "}), or empty
   * @return empty when none of the three keys is set
   */
  public Optional<SecretSpec> secret(ConfigMap map, String owner, String field) {
    Optional<ConfigNode> value = map.get(field);
    Optional<ConfigNode> file = map.get(field + "_file");
    Optional<ConfigNode> ref = map.get(field + "_ref");
    int set = (value.isPresent() ? 1 : 0) + (file.isPresent() ? 1 : 0) + (ref.isPresent() ? 1 : 0);
    if (set > 1) {
      throw map.node().error("at most one of " + owner + field + ", " + field + "_file & " + field
          + "_ref must be configured");
    }
    if (value.isPresent()) return Optional.of(secretValue(value.get()));
    if (file.isPresent()) return Optional.of(fileSecret(file.get()));
    if (ref.isPresent()) return Optional.of(refSecret(ref.get(), field + "_ref"));
    return Optional.empty();
  }

  /** Reads a secret-typed value that has no {@code _file}/{@code _ref} siblings: inline or map form. */
  public SecretSpec secretValue(ConfigNode node) {
    SecretSpec spec;
    if (node.isScalar()) {
      node.markSecret();
      spec = new SecretSpec.Inline(Secret.of(node.asString()));
    } else if (node.isMap()) {
      spec = mapForm(node.asMap());
    } else {
      throw node.error("expected a secret: a string or a map naming a secret provider type");
    }
    used.add(new UsedSecret(node.path(), spec));
    return spec;
  }

  /** A path from the file, resolved against the config file's directory. */
  public Path resolve(String path) {
    return document.baseDirectory().resolve(path).normalize();
  }

  /** Every secret read so far, with the field path it was read at. */
  public List<UsedSecret> secrets() {
    return List.copyOf(used);
  }

  /**
   * Reads a path-valued secret field (an item of a {@code files} list, where no
   * {@code x_file} key exists): the file is read through the built-in {@code file} provider,
   * the path resolved against the config file's directory, and the secret is listed in
   * {@link #secrets()} like every other.
   */
  public SecretSpec fileSecret(ConfigNode node) {
    String path = node.asString();
    if (path.isEmpty()) throw node.error("file path must not be empty");
    SecretSpec spec = new SecretSpec.FromProvider(
        FileProviderConfig.ABSOLUTE_BINDING, resolve(path).toString(), SecretSpec.DEFAULT_REFRESH_INTERVAL);
    used.add(new UsedSecret(node.path(), spec));
    return spec;
  }

  private SecretSpec refSecret(ConfigNode node, String key) {
    if (!node.isMap()) {
      throw node.error(key + " must map exactly one secret provider name to a ref, like {my_provider: my-ref}");
    }
    ConfigMap map = node.asMap();
    if (map.keys().size() != 1) {
      map.readAll();
      throw node.error(key + " must map exactly one secret provider name to a ref, got " + map.keys().size() + " entries");
    }
    String name = map.keys().iterator().next();
    ConfigNode refNode = map.required(name);
    Declared provider = declared.get(name);
    if (provider == null) {
      throw refNode.error("unknown secret provider \"" + name + "\"; "
          + (declared.isEmpty() ? "none is declared under global.secret_providers"
              : "declared providers: " + String.join(", ", declared.keySet())));
    }
    String ref = refNode.asString();
    checkRef(refNode, provider.binding(), ref);
    SecretSpec spec = new SecretSpec.FromProvider(provider.binding(), ref, provider.refreshInterval());
    used.add(new UsedSecret(node.path(), spec));
    return spec;
  }

  private SecretSpec mapForm(ConfigMap map) {
    if (map.keys().size() != 1) {
      map.readAll();
      throw map.node().error("a secret given as a map must have exactly one key, the secret provider type; got "
          + (map.keys().isEmpty() ? "none" : String.join(", ", map.keys())));
    }
    String type = map.keys().iterator().next();
    ConfigNode params = map.get(type).orElseGet(map::node);
    SecretProviderFactory factory = factories.get(type).orElseThrow(() -> params.error(
        "unknown secret provider type \"" + type + "\"; known types: " + factories.typeNames()));
    Duration refresh = params.isMap() ? refreshInterval(params.asMap()) : SecretSpec.DEFAULT_REFRESH_INTERVAL;
    SecretProviderFactory.InlineSecret inline = factory.parseInline(params, this);
    ProviderBinding binding = new ProviderBinding(type, type, inline.config());
    checkRef(params, binding, inline.ref());
    return new SecretSpec.FromProvider(binding, inline.ref(), refresh);
  }

  private static Duration refreshInterval(ConfigMap params) {
    Optional<ConfigNode> node = params.get("refresh_interval");
    if (node.isEmpty()) return SecretSpec.DEFAULT_REFRESH_INTERVAL;
    Duration d = node.get().asDuration();
    if (d.isZero()) throw node.get().error("refresh_interval must be greater than 0");
    return d;
  }

  private static void checkRef(ConfigNode at, ProviderBinding binding, String ref) {
    try {
      binding.config().checkRef(ref);
    } catch (IllegalArgumentException e) {
      throw at.error("invalid ref \"" + ref + "\" for secret provider " + binding + ": " + e.getMessage());
    }
  }
}
