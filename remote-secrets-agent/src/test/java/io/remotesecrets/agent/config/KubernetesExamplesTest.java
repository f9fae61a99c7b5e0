package io.remotesecrets.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.SecretManager;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.kubernetes.testing.KubernetesApiMock;
import io.remotesecrets.kubernetes.testing.TestPem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The committed Kubernetes examples through the agent's own configuration parser:
 * {@code examples/kubernetes-seed.yml} (the first draft's full example, corrected), with its
 * providers pointed at fabric8's kubernetes-server-mock 7.5.2 in CRUD mode (Kubernetes core/v1
 * Secret API) holding the Secrets it names, and the {@code prometheus.yml} of
 * {@code deploy/kubernetes/configmap.yaml}.
 */
class KubernetesExamplesTest {
  private static final Path REPO = Path.of("").toAbsolutePath().getParent();

  @RegisterExtension final KubernetesApiMock api = new KubernetesApiMock();

  @Test
  void seedExampleLoadsAndEverySecretIsFetched() throws Exception {
    api.withSeedSecrets();
    Path file = REPO.resolve("examples/kubernetes-seed.yml");
    AgentConfig config = AgentConfig.parse(file.toString(), file, api.pointAt(Files.readString(file)),
        SecretProviderFactories.load());
    assertThat(config.providers()).containsOnlyKeys("kube1", "kube2");
    assertThat(config.scrapeConfigs()).hasSize(3);
    Map<String, String> fetched = new LinkedHashMap<>();
    try (SecretManager manager = SecretManager.builder().build()) {
      for (ConfigContext.UsedSecret s : config.secrets()) {
        if (!(s.spec() instanceof SecretSpec.FromProvider)) continue; // basic_auth.username, inline
        fetched.put(s.path() + " <- " + s.spec().description(),
            manager.reader(s.spec()).await(Duration.ofSeconds(10)).reveal());
      }
    }
    assertThat(fetched).containsExactly(
        Map.entry("scrape_configs[0].http_config.basic_auth.password_ref <- provider kube1, ref myuser-pass",
            "seed-basic-auth-password"),
        Map.entry("scrape_configs[1].http_config.authorization.credentials_ref <- provider kube2, ref header-credentials",
            "seed-bearer-credentials"),
        Map.entry("scrape_configs[2].http_config.tls_config.cert_ref <- provider kube2, ref client-tls/tls.crt",
            TestPem.CERT.strip()),
        Map.entry("scrape_configs[2].http_config.tls_config.key_ref <- provider kube2, ref client-tls/tls.key",
            TestPem.KEY.strip()));
  }

  @Test
  void deployedConfigMapLoads() throws Exception {
    String manifest = Files.readString(REPO.resolve("deploy/kubernetes/configmap.yaml"));
    Matcher m = Pattern.compile("(?s)  prometheus\\.yml: \\|\\n(.*)").matcher(manifest);
    assertThat(m.find()).isTrue();
    String prometheusYml = m.group(1).replaceAll("(?m)^    ", "");
    AgentConfig config = AgentConfig.parse("prometheus.yml", null, prometheusYml, SecretProviderFactories.load());
    assertThat(config.providers()).containsOnlyKeys("kube");
    assertThat(config.secrets()).filteredOn(s -> s.spec() instanceof SecretSpec.FromProvider)
        .extracting(s -> s.spec().description()).containsExactly(
        "provider kube, ref myuser-pass", "provider kube, ref header-credentials/token",
        "provider kube, ref client-tls/tls.crt", "provider kube, ref client-tls/tls.key");
  }
}
