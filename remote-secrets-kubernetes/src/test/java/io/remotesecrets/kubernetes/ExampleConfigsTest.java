package io.remotesecrets.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.SecretManager;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.kubernetes.testing.KubernetesApiMock;
import io.remotesecrets.kubernetes.testing.TestPem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The committed examples: {@code examples/kubernetes-seed.yml} (the first draft's full example,
 * corrected) against fabric8's kubernetes-server-mock 7.5.2 in CRUD mode (Kubernetes core/v1
 * Secret API) holding the Secrets it names, and the manifests of {@code deploy/kubernetes}.
 * The agent's own parser is not in this module: every {@code *_ref} of the file is read with
 * the same {@link ConfigContext#secret} the agent uses, and every other key is skipped.
 */
class ExampleConfigsTest {
  private static final Path REPO = Path.of("").toAbsolutePath().getParent();

  @RegisterExtension final KubernetesApiMock api = new KubernetesApiMock();

  @Test
  void seedExampleLoadsAndEverySecretIsFetchedFromTheApiServer() throws Exception {
    api.withSeedSecrets();
    Path file = REPO.resolve("examples/kubernetes-seed.yml");
    Map<String, SecretSpec> refs = refs(api.pointAt(Files.readString(file)), file);
    assertThat(refs).containsOnlyKeys(
        "scrape_configs[0].http_config.basic_auth.password_ref",
        "scrape_configs[1].http_config.authorization.credentials_ref",
        "scrape_configs[2].http_config.tls_config.cert_ref",
        "scrape_configs[2].http_config.tls_config.key_ref");
    Map<String, String> fetched = new LinkedHashMap<>();
    try (SecretManager manager = SecretManager.builder().build()) {
      for (var e : refs.entrySet()) {
        fetched.put(e.getKey(), manager.reader(e.getValue()).await(Duration.ofSeconds(10)).reveal());
      }
    }
    assertThat(fetched.values()).containsExactly("seed-basic-auth-password", "seed-bearer-credentials",
        TestPem.CERT.strip(), TestPem.KEY.strip());
  }

  @Test
  void deployedRoleGrantsExactlyTheSecretsTheDeployedConfigUses() throws Exception {
    Path dir = REPO.resolve("deploy/kubernetes");
    LoadSettings settings = LoadSettings.builder().build();
    List<Map<String, Object>> docs = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) new Load(settings).loadFromString(Files.readString(f));
        docs.add(doc);
      }
    }
    Map<String, Object> configMap = kind(docs, "ConfigMap");
    Map<String, Object> role = kind(docs, "Role");
    String prometheusYml = (String) map(configMap.get("data")).get("prometheus.yml");
    Set<String> referenced = new TreeSet<>();
    for (SecretSpec s : refs(prometheusYml, null).values()) {
      referenced.add(SecretRef.parse(((SecretSpec.FromProvider) s).ref()).name());
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rules = (List<Map<String, Object>>) role.get("rules");
    assertThat(rules).hasSize(1);
    assertThat(rules.get(0).get("verbs")).isEqualTo(List.of("get", "list", "watch"));
    assertThat(new TreeSet<>(strings(rules.get(0).get("resourceNames")))).isEqualTo(referenced);
    assertThat(referenced).containsExactly("client-tls", "header-credentials", "myuser-pass");
    Map<String, Object> deployment = kind(docs, "Deployment");
    assertThat(deployment.toString()).contains("serviceAccountName=remote-secrets-agent")
        .contains("--config.file=/etc/remote-secrets/prometheus.yml");
  }

  /** Every {@code *_ref} secret of a configuration file, by field path. */
  static Map<String, SecretSpec> refs(String yaml, Path file) {
    ConfigDocument doc = ConfigDocument.parse(file == null ? "prometheus.yml" : file.getFileName().toString(), file, yaml);
    ConfigContext context = new ConfigContext(doc, SecretProviderFactories.load());
    ConfigMap root = doc.root().asMap();
    ConfigMap global = root.map("global");
    global.get("secret_providers").ifPresent(context::declareProviders);
    global.readAll();
    for (String key : root.keys()) if (!key.equals("global")) root.get(key).ifPresent(n -> walk(n, context));
    doc.finish();
    Map<String, SecretSpec> out = new LinkedHashMap<>();
    for (ConfigContext.UsedSecret u : context.secrets()) out.put(u.path(), u.spec());
    return out;
  }

  private static void walk(ConfigNode node, ConfigContext context) {
    if (node.isList()) {
      for (ConfigNode item : node.asList()) walk(item, context);
    } else if (node.isMap() && !node.isNull()) {
      ConfigMap map = node.asMap();
      for (String key : List.copyOf(map.keys())) {
        if (key.endsWith("_ref")) context.secret(map, "", key.substring(0, key.length() - 4));
        else map.get(key).ifPresent(child -> walk(child, context));
      }
      map.readAll();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object o) {
    return (List<String>) o;
  }

  private static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " in deploy/kubernetes"));
  }
}
