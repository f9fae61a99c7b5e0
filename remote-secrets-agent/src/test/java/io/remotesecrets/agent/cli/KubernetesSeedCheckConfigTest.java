package io.remotesecrets.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.agent.cli.CheckAndGetCommandTest.Result;
import io.remotesecrets.kubernetes.testing.KubernetesApiMock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check config} on {@code examples/kubernetes-seed.yml}, the first-draft proposal's full
 * configuration example corrected to valid YAML; with {@code --fetch}, its providers pointed at
 * fabric8's kubernetes-server-mock 7.5.2 in CRUD mode (Kubernetes core/v1 Secret API).
 */
class KubernetesSeedCheckConfigTest {
  private static final Path SEED = Path.of("").toAbsolutePath().getParent().resolve("examples/kubernetes-seed.yml");

  @RegisterExtension final KubernetesApiMock api = new KubernetesApiMock();
  @TempDir Path dir;

  private Path pointedAtMock() throws Exception {
    return Files.writeString(dir.resolve("kubernetes-seed.yml"), api.pointAt(Files.readString(SEED)));
  }

  @Test
  void seedExamplePassesCheckConfig() {
    Result r = CheckAndGetCommandTest.run(new CheckCommand(), "config", SEED.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("Checking " + SEED + "\n SUCCESS: " + SEED + " is valid remote-secrets config file syntax\n");
    assertThat(r.code()).isZero();
  }

  @Test
  void checkConfigFetchReportsEverySecretFetched() throws Exception {
    api.withSeedSecrets();
    Path file = pointedAtMock();
    Result r = CheckAndGetCommandTest.run(new CheckCommand(), "config", "--fetch", file.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("Checking " + file + "\n"
        + " SUCCESS: " + file + " is valid remote-secrets config file syntax\n"
        + "  scrape_configs[0].http_config.basic_auth.username: inline\n"
        + "  scrape_configs[0].http_config.basic_auth.password_ref: provider kube1, ref myuser-pass: fetched\n"
        + "  scrape_configs[1].http_config.authorization.credentials_ref: provider kube2, ref header-credentials: fetched\n"
        + "  scrape_configs[2].http_config.tls_config.cert_ref: provider kube2, ref client-tls/tls.crt: fetched\n"
        + "  scrape_configs[2].http_config.tls_config.key_ref: provider kube2, ref client-tls/tls.key: fetched\n");
    assertThat(r.code()).isZero();
  }

  @Test
  void checkConfigFetchNamesNamespaceSecretAndKeyOfWhatIsMissing() throws Exception {
    api.putSecret("ns1", "myuser-pass", java.util.Map.of("password", "p"));
    Path file = pointedAtMock();
    Result r = CheckAndGetCommandTest.run(new CheckCommand(), "config", "--fetch", "--fetch.timeout=5s", file.toString());
    assertThat(r.out()).contains(
        "  scrape_configs[0].http_config.basic_auth.password_ref: provider kube1, ref myuser-pass: fetched\n",
        "  scrape_configs[1].http_config.authorization.credentials_ref: FAILED: waiting for secret header-credentials "
            + "from provider kube2: Secret \"header-credentials\" not found in namespace \"ns2\"\n",
        "  scrape_configs[2].http_config.tls_config.key_ref: FAILED: waiting for secret client-tls/tls.key from provider "
            + "kube2: Secret \"client-tls\" not found in namespace \"ns2\" (wanted key \"tls.key\")\n");
    assertThat(r.code()).isEqualTo(1);
  }
}
