package io.remotesecrets.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.kubernetes.testing.KubernetesApiMock;
import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default, in-cluster configuration, with the pod played by environment variables and a
 * service-account directory, against fabric8's kubernetes-server-mock 7.5.2 in CRUD mode over TLS
 * (Kubernetes core/v1 Secret API): API server from {@code KUBERNETES_SERVICE_HOST/PORT}, trust
 * from {@code ca.crt}, identity from {@code token}, namespace from {@code namespace}.
 */
class InClusterTest {
  @RegisterExtension final KubernetesApiMock api = new KubernetesApiMock(true);
  @TempDir Path serviceAccount;

  @Test
  void usesTheServiceAccountAndRereadsItsTokenAtEachRequest() throws Exception {
    Files.writeString(serviceAccount.resolve("token"), "sa-token-1\n");
    Files.writeString(serviceAccount.resolve("ca.crt"), api.certificatePem());
    Files.writeString(serviceAccount.resolve("namespace"), "podns");
    Environment pod = new Environment(Map.of("KUBERNETES_SERVICE_HOST", "localhost",
        "KUBERNETES_SERVICE_PORT", String.valueOf(api.port()))::get, serviceAccount);
    api.putSecret("podns", "db", Map.of("password", "in-cluster"));
    api.takeRequests();
    try (SecretManager manager = SecretManager.builder().build();
        SecretProvider provider = KubernetesSecretProvider.start(KubernetesProviderConfig.IN_CLUSTER,
            context(manager), pod, KubernetesSecretProvider.Timings.DEFAULT)) {
      assertThat(provider.fetch("db/password", Instant.now().plusSeconds(10)).reveal()).isEqualTo("in-cluster");
      api.takeRequests();
      assertThat(api.recorded()).last().satisfies(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer sa-token-1"));

      // The kubelet rotates the projected token: the next request carries the new one.
      Files.writeString(serviceAccount.resolve("token"), "sa-token-2\n");
      assertThatThrownBy(() -> provider.fetch("missing/password", Instant.now().plusSeconds(10)))
          .isInstanceOf(SecretFetchException.class)
          .hasMessage("Secret \"missing\" not found in namespace \"podns\" (wanted key \"password\")");
      api.takeRequests();
      assertThat(api.recorded()).last().satisfies(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer sa-token-2"));
    }
  }

  private static ProviderContext context(SecretManager manager) {
    return new ProviderContext() {
      @Override
      public String name() {
        return "kubernetes";
      }

      @Override
      public Clock clock() {
        return Clock.systemUTC();
      }

      @Override
      public SecretReader reader(SecretSpec nested) {
        return manager.reader(nested);
      }
    };
  }
}
