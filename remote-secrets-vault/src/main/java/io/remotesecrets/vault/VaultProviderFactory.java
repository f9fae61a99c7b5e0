package io.remotesecrets.vault;

import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigException;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.spi.SecretProviderConfig;
import io.remotesecrets.spi.SecretProviderFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code vault} provider type: KV secrets of HashiCorp Vault. See the
 * {@linkplain io.remotesecrets.vault package documentation} for the configuration.
 */
public final class VaultProviderFactory implements SecretProviderFactory {
  static final String DEFAULT_MOUNT = "secret";
  private final VaultEnvironment environment;

  /** The factory {@link java.util.ServiceLoader} creates: the process's environment. */
  public VaultProviderFactory() {
    this(VaultEnvironment.SYSTEM);
  }

  VaultProviderFactory(VaultEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public String type() {
    return "vault";
  }

  @Override
  public SecretProviderConfig parse(ConfigMap config, ConfigContext context) {
    String mount = config.get("mount").map(n -> path(n, "mount")).orElse(DEFAULT_MOUNT);
    return connection(config, mount == null ? DEFAULT_MOUNT : mount, context);
  }

  /**
   * {@code {vault: {address, path, key, ...}}}. Without {@code mount}, the first segment of
   * {@code path} is the mount; for KV version 2 the rest may include {@code data/} (the API
   * path, as in proposal 0047's example) or not (the logical path, as {@code vault kv get}).
   */
  @Override
  public InlineSecret parseInline(ConfigNode params, ConfigContext context) {
    if (!params.isMap() || params.isNull()) {
      throw params.error("the vault secret provider needs a mapping like {address: https://vault.example:8200, path: secret/data/app, key: password}");
    }
    ConfigMap map = params.asMap();
    // Problems are recorded and parsing goes on, so that the other keys are read (and checked).
    // A config with a recorded problem fails at ConfigDocument.finish(), whatever is returned.
    ConfigException problem = null;
    Optional<ConfigNode> pathValue = map.get("path");
    if (pathValue.isEmpty()) problem = map.node().error("missing required field \"path\"");
    ConfigNode pathNode = pathValue.orElse(map.node());
    String path = pathValue.map(n -> path(n, "path")).orElse(null);
    Optional<String> key = map.string("key");
    if (key.isPresent() && key.get().isEmpty()) problem = map.get("key").orElseThrow().error("key must not be empty");
    String mount = DEFAULT_MOUNT;
    if (map.has("mount")) {
      mount = path(map.get("mount").orElseThrow(), "mount");
    } else if (path != null) {
      int slash = path.indexOf('/');
      if (slash < 0) {
        problem = pathNode.error("path must start with the mount of the KV engine, like secret/data/app (or set mount)");
      } else {
        mount = path.substring(0, slash);
        path = path.substring(slash + 1);
      }
    }
    if (path != null && path.contains("#")) problem = pathNode.error("path must not contain \"#\"; name the field with key");
    VaultConfig config = connection(map, mount == null ? DEFAULT_MOUNT : mount, context);
    if (problem != null) throw problem;
    return new InlineSecret(config, (path == null ? "invalid" : path) + key.map(k -> "#" + k).orElse(""));
  }

  private VaultConfig connection(ConfigMap config, String mount, ConfigContext context) {
    URI address = address(config);
    Optional<String> namespace = config.get("namespace").map(n -> path(n, "namespace"));
    int kvVersion = 2;
    Optional<ConfigNode> kv = config.get("kv_version");
    if (kv.isPresent()) {
      kvVersion = kv.get().asInt();
      if (kvVersion != 1 && kvVersion != 2) throw kv.get().error("kv_version must be 1 or 2, got " + kvVersion);
    }
    VaultAuth auth = auth(config, context);
    VaultTls tls = tls(config, context);
    if (address.getScheme().equals("http") && config.has("tls_config")) {
      throw config.get("tls_config").orElseThrow().error("tls_config is set but address " + address + " is not https");
    }
    return new VaultConfig(address, namespace, mount, kvVersion, auth, tls, environment);
  }

  private URI address(ConfigMap config) {
    Optional<ConfigNode> node = config.get("address");
    String text = node.map(ConfigNode::asString).orElseGet(() -> environment.env("VAULT_ADDR"));
    if (text == null) {
      throw config.node().error("missing required field \"address\" (VAULT_ADDR is not set either)");
    }
    String source = node.isPresent() ? "address" : "VAULT_ADDR";
    ConfigNode at = node.orElse(config.node());
    URI uri;
    try {
      uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    } catch (URISyntaxException e) {
      throw at.error(source + " is not a valid URL: " + e.getReason());
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
      throw at.error(source + " must be an http or https URL with a host, like https://vault.example:8200; got \"" + io.remotesecrets.config.Urls.redact(text) + "\"");
    }
    if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
      throw at.error(source + " must not have user info, a query or a fragment");
    }
    return uri;
  }

  private VaultAuth auth(ConfigMap config, ConfigContext context) {
    Optional<ConfigNode> node = config.get("auth");
    if (node.isEmpty()) return new VaultAuth.Token(Optional.empty());
    ConfigMap auth = node.get().asMap();
    List<String> methods = new ArrayList<>();
    if (auth.has("token") || auth.has("token_file") || auth.has("token_ref")) methods.add("token");
    if (auth.has("approle")) methods.add("approle");
    if (auth.has("kubernetes")) methods.add("kubernetes");
    if (methods.size() > 1) {
      auth.readAll();
      throw auth.node().error("at most one auth method must be configured, found " + String.join(", ", methods));
    }
    if (methods.contains("approle")) {
      ConfigMap m = auth.map("approle");
      String mount = m.get("mount").map(n -> path(n, "mount")).orElse("approle");
      SecretSpec roleId = context.secret(m, "approle ", "role_id")
          .orElseThrow(() -> m.node().error("missing required field \"role_id\" (or role_id_file, role_id_ref)"));
      SecretSpec secretId = context.secret(m, "approle ", "secret_id")
          .orElseThrow(() -> m.node().error("missing required field \"secret_id\" (or secret_id_file, secret_id_ref)"));
      return new VaultAuth.AppRole(mount, roleId, secretId);
    }
    if (methods.contains("kubernetes")) {
      ConfigMap m = auth.map("kubernetes");
      String role = m.required("role").asString();
      if (role.isEmpty()) throw m.get("role").orElseThrow().error("role must not be empty");
      String mount = m.get("mount").map(n -> path(n, "mount")).orElse("kubernetes");
      Path file = m.string("service_account_token_file").map(context::resolve)
          .orElse(VaultAuth.Kubernetes.DEFAULT_TOKEN_FILE);
      return new VaultAuth.Kubernetes(mount, role, file);
    }
    return new VaultAuth.Token(context.secret(auth, "auth ", "token"));
  }

  private VaultTls tls(ConfigMap config, ConfigContext context) {
    Optional<ConfigNode> node = config.get("tls_config");
    if (node.isEmpty()) return VaultTls.DEFAULT;
    ConfigMap tls = node.get().asMap();
    Optional<SecretSpec> ca = context.secret(tls, "tls_config ", "ca");
    boolean insecure = tls.bool("insecure_skip_verify", false);
    Optional<String> serverName = tls.string("server_name");
    return new VaultTls(ca, insecure, serverName);
  }

  /**
   * A path-like setting (mount, namespace, path) without surrounding slashes; null, with the
   * problem recorded, when it is not a valid path, so that parsing goes on and reports more.
   */
  private static String path(ConfigNode node, String field) {
    try {
      return VaultRef.normalizePath(node.asString(), field);
    } catch (IllegalArgumentException e) {
      node.error(e.getMessage());
      return null;
    }
  }
}
