package io.remotesecrets.kubernetes;

import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretProviderConfig;
import java.nio.file.Path;

/**
 * How to reach one Kubernetes API server, and the namespace of refs that do not name one.
 * Two configurations are equal when they reach the same server the same way, so map-form
 * secrets in any namespace share one provider, one HTTP client and one watch per Secret.
 *
 * @param namespace default namespace of refs; null for the pod's own (or the kubeconfig's)
 * @param apiServer API server URL; null for in-cluster or kubeconfig
 * @param kubeconfigFile absolute path; null unless configured
 * @param bearerToken nested secret; null unless configured
 * @param tls never null
 */
record KubernetesProviderConfig(String namespace, String apiServer, Path kubeconfigFile, SecretSpec bearerToken,
    Tls tls) implements SecretProviderConfig {

  /** {@code tls_config}: each of ca, cert and key is a nested secret (PEM) or null. */
  record Tls(SecretSpec ca, SecretSpec cert, SecretSpec key, boolean insecureSkipVerify) {
    static final Tls NONE = new Tls(null, null, null, false);

    boolean isDefault() {
      return equals(NONE);
    }
  }

  /** The in-cluster default: the pod's service account, API server and namespace. */
  static final KubernetesProviderConfig IN_CLUSTER = new KubernetesProviderConfig(null, null, null, null, Tls.NONE);

  boolean hasCustomHttpConfig() {
    return bearerToken != null || !tls.isDefault();
  }

  @Override
  public SecretProvider load(ProviderContext context) throws SecretFetchException {
    return KubernetesSecretProvider.start(this, context, Environment.system(), KubernetesSecretProvider.Timings.DEFAULT);
  }

  @Override
  public void checkRef(String ref) {
    SecretRef.parse(ref);
  }
}
