package io.remotesecrets.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.remotesecrets.Secret;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretFetchException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link KubernetesProviderConfig} into a fabric8 {@link Config}: kubeconfig file,
 * explicit API server, or the pod's service account. Never fabric8's auto-configuration, which
 * would silently pick up {@code ~/.kube/config} or system properties of whatever host runs us.
 */
final class ClientSettings {
  private static final Logger log = LoggerFactory.getLogger(ClientSettings.class);
  /** The User-Agent of every request the provider makes. */
  static final String USER_AGENT = "remote-secrets-kubernetes";
  /** How long {@code load} waits for nested secrets (bearer token, TLS material). */
  static final Duration NESTED_TIMEOUT = Duration.ofSeconds(30);

  final Config config;
  /** Namespace of refs that name none, or null. */
  final String defaultNamespace;
  /** Why there is no default namespace, for the error of a ref that needs one. */
  final String noNamespaceReason;

  private ClientSettings(Config config, String defaultNamespace, String noNamespaceReason) {
    this.config = config;
    this.defaultNamespace = defaultNamespace;
    this.noNamespaceReason = noNamespaceReason;
  }

  static ClientSettings of(KubernetesProviderConfig c, ProviderContext context, Environment env)
      throws SecretFetchException {
    Config config;
    String namespace = c.namespace();
    if (c.kubeconfigFile() != null) {
      config = fromKubeconfig(c.kubeconfigFile());
      if (namespace == null) namespace = config.getNamespace();
    } else if (c.apiServer() != null) {
      config = Config.empty();
      config.setMasterUrl(c.apiServer());
      if (c.bearerToken() != null) {
        SecretReader token = nested(context, c.bearerToken(), "bearer_token");
        // Read per request: a rotated token is used from the next request on.
        config.setOauthTokenProvider(() -> currentToken(token));
      }
      KubernetesProviderConfig.Tls tls = c.tls();
      if (tls.ca() != null) config.setCaCertData(base64(nested(context, tls.ca(), "tls_config.ca")));
      if (tls.cert() != null) {
        config.setClientCertData(base64(nested(context, tls.cert(), "tls_config.cert")));
        config.setClientKeyData(base64(nested(context, tls.key(), "tls_config.key")));
      }
      if (tls.insecureSkipVerify()) {
        config.setTrustCerts(true);
        config.setDisableHostnameVerification(true);
      }
    } else {
      config = inCluster(env);
    }
    String reason = null;
    if (namespace == null) {
      namespace = env.podNamespace().orElse(null);
      if (namespace == null) {
        reason = "no namespace is configured and the pod's own is unknown (" + env.namespaceFile()
            + " does not exist); set namespace";
      }
    }
    // The SecretManager retries with backoff and the watch reconnects on its own schedule;
    // fabric8's own retries would only multiply requests and hide failures.
    config.setRequestRetryBackoffLimit(0);
    config.setWatchReconnectLimit(0);
    config.setRequestTimeout(10_000);
    config.setConnectionTimeout(10_000);
    // Pings find a watch connection that died silently; the watch renewal is the last resort.
    config.setWebsocketPingInterval(15_000L);
    // Names us in the API server's audit log.
    config.setUserAgent(USER_AGENT);
    return new ClientSettings(config, namespace, reason);
  }

  private static Config fromKubeconfig(Path file) throws SecretFetchException {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE,
          "cannot read kubeconfig_file " + file + ": " + e.getClass().getSimpleName());
    }
    try {
      return Config.fromKubeconfig(content);
    } catch (RuntimeException e) {
      // Not the message: a kubeconfig holds tokens and keys, and parsers quote their input.
      throw new SecretFetchException(Reason.UNAVAILABLE,
          "invalid kubeconfig_file " + file + ": " + e.getClass().getSimpleName());
    }
  }

  private static Config inCluster(Environment env) throws SecretFetchException {
    String host = env.env().apply("KUBERNETES_SERVICE_HOST");
    String port = env.env().apply("KUBERNETES_SERVICE_PORT");
    if (host == null || host.isEmpty()) {
      throw new SecretFetchException(Reason.UNAVAILABLE, "not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST "
          + "is not set); set api_server or kubeconfig_file in the kubernetes provider's configuration");
    }
    Config config = Config.empty();
    config.setMasterUrl("https://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":"
        + (port == null || port.isEmpty() ? "443" : port));
    if (Files.exists(env.caFile())) config.setCaCertFile(env.caFile().toString());
    Path tokenFile = env.tokenFile();
    // Bound service-account tokens are rotated by the kubelet: read the file at each request.
    config.setOauthTokenProvider(() -> {
      try {
        return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        log.warn("cannot read service account token {}: {}", tokenFile, e.getClass().getSimpleName());
        return null;
      }
    });
    return config;
  }

  private static SecretReader nested(ProviderContext context, SecretSpec spec, String field)
      throws SecretFetchException {
    SecretReader reader = context.reader(spec);
    try {
      reader.await(NESTED_TIMEOUT);
    } catch (SecretUnavailableException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE, field + " of the kubernetes provider is unavailable: "
          + e.getMessage(), e);
    }
    return reader;
  }

  private static String currentToken(SecretReader reader) {
    try {
      return reader.current().reveal();
    } catch (SecretUnavailableException e) {
      log.warn("bearer_token of the kubernetes provider is unavailable: {}", e.getMessage());
      return null;
    }
  }

  /** fabric8 takes PEM material base64-encoded, as kubeconfig files hold it. */
  private static String base64(SecretReader reader) throws SecretFetchException {
    try {
      Secret pem = reader.current();
      return Base64.getEncoder().encodeToString(pem.reveal().getBytes(StandardCharsets.UTF_8));
    } catch (SecretUnavailableException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE, e.getMessage(), e);
    }
  }
}
