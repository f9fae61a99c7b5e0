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
import java.time.Duration;
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

  @Test
  void explicitApiServerTrustsTheConfiguredCaOnly() throws Exception {
    Path ca = serviceAccount.resolve("api-ca.pem");
    Files.writeString(ca, api.certificatePem());
    api.putSecret("ns1", "db", Map.of("password", "over-tls"));
    TestConfig c = TestConfig.parse("""
        global:
          secret_providers:
          - name: trusted
            kubernetes_sp_config: {namespace: ns1, api_server: '%1$s', tls_config: {ca_file: '%2$s'}}
          - name: insecure
            kubernetes_sp_config: {namespace: ns1, api_server: '%1$s', tls_config: {insecure_skip_verify: true}}
          - name: untrusted
            kubernetes_sp_config: {namespace: ns1, api_server: '%1$s'}
        secrets:
          trusted: {password_ref: {trusted: db/password}}
          insecure: {password_ref: {insecure: db/password}}
          untrusted: {password_ref: {untrusted: db/password}}
        """.formatted(api.url(), ca));
    try (SecretManager manager = SecretManager.builder().build()) {
      assertThat(manager.reader(c.secret("trusted")).await(Duration.ofSeconds(10)).reveal()).isEqualTo("over-tls");
      assertThat(manager.reader(c.secret("insecure")).await(Duration.ofSeconds(10)).reveal()).isEqualTo("over-tls");
      SecretReader untrusted = manager.reader(c.secret("untrusted"));
      assertThatThrownBy(() -> untrusted.await(Duration.ofSeconds(10)))
          .hasMessage("waiting for secret db/password from provider untrusted: cannot get Secret \"db\" in namespace "
              + "\"ns1\", key \"password\": TLS handshake with API server " + api.url() + "/ failed: PKIX path building "
              + "failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification "
              + "path to requested target (check tls_config.ca, or the service account's ca.crt)");
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
