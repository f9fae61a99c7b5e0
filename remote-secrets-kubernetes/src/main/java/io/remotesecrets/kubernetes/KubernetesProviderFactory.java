package io.remotesecrets.kubernetes;

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
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code kubernetes} provider type: values of Kubernetes Secrets, kept current by a watch.
 *
 * <pre>{@code
 * global:
 *   secret_providers:
 *   - name: kube1
 *     kubernetes_sp_config:
 *       namespace: ns1                  # default: the pod's own namespace
 *       # api_server: https://k8s.example:6443    (default: in-cluster service account)
 *       # kubeconfig_file: kubeconfig.yml
 *       # bearer_token / bearer_token_file / bearer_token_ref, tls_config {ca, cert, key, insecure_skip_verify}
 * scrape_configs:
 * - job_name: a
 *   basic_auth:
 *     password_ref: {kube1: myuser-pass}            # <secret> (one key) or <secret>/<key>
 *     # map form: password: {kubernetes: {namespace: ns1, name: pass2, key: http_password}}
 * }</pre>
 *
 * <p>The map form puts its {@code namespace} into the ref ({@code ns1:pass2/http_password}), not
 * into the provider configuration, so that map-form secrets of every namespace share one provider
 * when their connection settings are equal.
 */
public final class KubernetesProviderFactory implements SecretProviderFactory {
  @Override
  public String type() {
    return "kubernetes";
  }

  @Override
  public SecretProviderConfig parse(ConfigMap config, ConfigContext context) {
    Errors errors = new Errors();
    String namespace = config.get("namespace").map(n -> errors.checked(n, SecretRef::checkNamespace)).orElse(null);
    KubernetesProviderConfig result = connection(config, context, namespace, errors);
    errors.throwFirst();
    return result;
  }

  @Override
  public InlineSecret parseInline(ConfigNode params, ConfigContext context) {
    Errors errors = new Errors();
    if (params.isScalar()) {
      String ref = errors.checked(params, SecretRef::parse);
      errors.throwFirst();
      return new InlineSecret(KubernetesProviderConfig.IN_CLUSTER, ref);
    }
    ConfigMap map = params.asMap();
    // Read every field before giving up, so that one mistake is not followed by "unknown field" noise.
    String namespace = map.get("namespace").map(n -> errors.checked(n, SecretRef::checkNamespace)).orElse(null);
    Optional<ConfigNode> nameNode = map.get("name");
    String name = nameNode.map(n -> errors.checked(n, SecretRef::checkName)).orElse(null);
    String key = map.get("key").map(k -> errors.checked(k, SecretRef::checkKey)).orElse(null);
    KubernetesProviderConfig config = connection(map, context, null, errors);
    if (nameNode.isEmpty()) errors.add(map.node().error("missing required field \"name\""));
    errors.throwFirst();
    return new InlineSecret(config, SecretRef.format(namespace, name, key));
  }

  private static KubernetesProviderConfig connection(ConfigMap config, ConfigContext context, String namespace,
      Errors errors) {
    String apiServer = config.get("api_server").map(n -> errors.guard(() -> apiServer(n))).orElse(null);
    Path kubeconfig = null;
    Optional<ConfigNode> kc = config.get("kubeconfig_file");
    if (kc.isPresent()) {
      String text = kc.get().asString();
      if (text.isEmpty()) errors.add(kc.get().error("kubeconfig_file must not be empty"));
      else kubeconfig = context.resolve(text);
    }
    SecretSpec bearer = errors.guard(() -> context.secret(config, "", "bearer_token").orElse(null));
    KubernetesProviderConfig.Tls tls = errors.guard(() -> tls(config, context));
    errors.throwFirst();
    KubernetesProviderConfig result = new KubernetesProviderConfig(namespace, apiServer, kubeconfig, bearer, tls);
    // The same rules and words as Prometheus's kubernetes_sd_config.
    if (apiServer != null && kubeconfig != null) {
      throw config.node().error("cannot use 'kubeconfig_file' and 'api_server' simultaneously");
    }
    if (kubeconfig != null && result.hasCustomHttpConfig()) {
      throw config.node().error("cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
    }
    if (apiServer == null && result.hasCustomHttpConfig()) {
      throw config.node().error("to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
    }
    return result;
  }

  private static KubernetesProviderConfig.Tls tls(ConfigMap config, ConfigContext context) {
    Optional<ConfigNode> node = config.get("tls_config");
    if (node.isEmpty()) return KubernetesProviderConfig.Tls.NONE;
    ConfigMap tls = node.get().asMap();
    for (String unsupported : new String[] {"server_name", "min_version", "max_version"}) {
      Optional<ConfigNode> n = tls.get(unsupported);
      if (n.isPresent()) {
        throw n.get().error(unsupported + " is not supported by the kubernetes secret provider's client");
      }
    }
    SecretSpec ca = context.secret(tls, "", "ca").orElse(null);
    SecretSpec cert = context.secret(tls, "", "cert").orElse(null);
    SecretSpec key = context.secret(tls, "", "key").orElse(null);
    if ((cert == null) != (key == null)) {
      // Prometheus's wording for a client certificate without its key and vice versa.
      throw tls.node().error(cert == null
          ? "exactly one of cert or cert_file must be configured when a client key is configured"
          : "exactly one of key or key_file must be configured when a client certificate is configured");
    }
    return new KubernetesProviderConfig.Tls(ca, cert, key, tls.bool("insecure_skip_verify", false));
  }

  private static String apiServer(ConfigNode node) {
    String text = node.asString();
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw node.error("invalid api_server URL \"" + io.remotesecrets.config.Urls.redact(text) + "\": " + e.getReason());
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw node.error("invalid api_server URL \"" + io.remotesecrets.config.Urls.redact(text) + "\": scheme must be http or https");
    }
    if (uri.getHost() == null) throw node.error("invalid api_server URL \"" + io.remotesecrets.config.Urls.redact(text) + "\": no host");
    if (uri.getUserInfo() != null) {
      // Never echo it: the user part may hold a password.
      throw node.error("invalid api_server URL: user info is not allowed; use bearer_token or tls_config");
    }
    return text;
  }

  private interface Check {
    void check(String value);
  }

  /**
   * Problems found while parsing one mapping; each is already recorded in the document, so
   * parsing goes on to read (and check) the remaining fields, then throws the first.
   */
  private static final class Errors {
    private ConfigException first;

    void add(ConfigException e) {
      if (first == null) first = e;
    }

    String checked(ConfigNode node, Check check) {
      String value = node.asString();
      try {
        check.check(value);
      } catch (IllegalArgumentException e) {
        add(node.error(e.getMessage()));
      }
      return value;
    }

    <T> T guard(Supplier<T> parse) {
      try {
        return parse.get();
      } catch (ConfigException e) {
        add(e);
        return null;
      }
    }

    void throwFirst() {
      if (first != null) throw first;
    }
  }
}
