package io.remotesecrets.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.remotesecrets.Secret;
import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.kubernetes.testing.KubernetesApiMock;
import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretFetchException.Reason;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretWatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch paths and errors against fabric8's kubernetes-server-mock 7.5.2 in CRUD mode (Kubernetes
 * core/v1 Secret API); error responses are mock expectations shaped as the API server's Status.
 */
class KubernetesSecretProviderTest {
  @RegisterExtension final KubernetesApiMock api = new KubernetesApiMock();
  @TempDir Path dir;
  private final SecretManager manager = SecretManager.builder().build();
  private SecretProvider provider;

  @AfterEach
  void close() {
    if (provider != null) provider.close();
    manager.close();
  }

  private final ProviderContext context = new ProviderContext() {
    @Override
    public String name() {
      return "kube1";
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

  private Environment noPod() {
    return new Environment(name -> null, dir.resolve("no-service-account"));
  }

  private SecretProvider provider(String namespace, Environment env) throws SecretFetchException {
    provider = KubernetesSecretProvider.start(new KubernetesProviderConfig(namespace, api.url(), null, null,
        KubernetesProviderConfig.Tls.NONE), context, env, KubernetesSecretProvider.Timings.DEFAULT);
    return provider;
  }

  private static Instant soon() {
    return Instant.now().plusSeconds(10);
  }

  private static SecretFetchException fetchError(SecretProvider p, String ref) {
    try {
      p.fetch(ref, soon());
    } catch (SecretFetchException e) {
      return e;
    }
    throw new AssertionError("fetch of " + ref + " succeeded");
  }

  @Test
  void aRefWithoutKeyNeedsASecretWithExactlyOneKey() throws Exception {
    api.putSecret("ns1", "one", Map.of("only", "v\n"));
    api.putSecret("ns1", "multi", Map.of("b", "1", "a", "2", "c", "3"));
    api.putSecret("ns1", "empty", Map.of());
    SecretProvider p = provider("ns1", noPod());
    assertThat(p.fetch("one", soon()).reveal()).as("final newline trimmed").isEqualTo("v");
    assertThat(p.fetch("multi/c", soon()).reveal()).isEqualTo("3");
    SecretFetchException multi = fetchError(p, "multi");
    assertThat(multi.reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(multi).hasMessage("Secret \"multi\" in namespace \"ns1\" has 3 data keys (a, b, c); "
        + "a ref without a key needs exactly one; write multi/<key>");
    assertThat(fetchError(p, "empty")).hasMessage("Secret \"empty\" in namespace \"ns1\" has no data keys; "
        + "a ref without a key needs exactly one; write empty/<key>");
    assertThat(fetchError(p, "multi/d")).hasMessage(
        "key \"d\" not found in Secret \"multi\" in namespace \"ns1\"; its keys: a, b, c");
  }

  @Test
  void notFoundAndForbiddenNameNamespaceSecretAndKey() throws Exception {
    api.server().expect().get().withPath("/api/v1/namespaces/ns1/secrets/locked")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(
            "secrets \"locked\" is forbidden: User \"system:serviceaccount:ns1:agent\" cannot get resource \"secrets\"")
            .build()).always();
    SecretProvider p = provider("ns1", noPod());
    SecretFetchException missing = fetchError(p, "missing/k");
    assertThat(missing.reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(missing).hasMessage("Secret \"missing\" not found in namespace \"ns1\" (wanted key \"k\")");
    SecretFetchException other = fetchError(p, "ns2:missing");
    assertThat(other).hasMessage("Secret \"missing\" not found in namespace \"ns2\"");
    SecretFetchException forbidden = fetchError(p, "locked/password");
    assertThat(forbidden.reason()).isEqualTo(Reason.PERMISSION_DENIED);
    assertThat(forbidden).hasMessage("cannot get Secret \"locked\" in namespace \"ns1\", key \"password\": "
        + "forbidden (HTTP 403): grant get, list and watch on this Secret to the provider's identity "
        + "(a Role with resourceNames: [locked] in namespace ns1)");
  }

  @Test
  void unreachableServerIsUnavailableNamingTheServer() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    provider = KubernetesSecretProvider.start(new KubernetesProviderConfig("ns1", "http://127.0.0.1:" + closedPort, null,
        null, KubernetesProviderConfig.Tls.NONE), context, noPod(), KubernetesSecretProvider.Timings.DEFAULT);
    SecretFetchException e = fetchError(provider, "db/password");
    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(e).hasMessage("cannot get Secret \"db\" in namespace \"ns1\", key \"password\": API server http://127.0.0.1:"
        + closedPort + "/ unreachable: ConnectException");
  }

  @Test
  void namespaceDefaultsToThePodsOwn() throws Exception {
    Path sa = Files.createDirectories(dir.resolve("sa"));
    Files.writeString(sa.resolve("namespace"), "podns\n");
    api.putSecret("podns", "db", Map.of("password", "in-pod-namespace"));
    SecretProvider p = provider(null, new Environment(name -> null, sa));
    assertThat(p.fetch("db/password", soon()).reveal()).isEqualTo("in-pod-namespace");
  }

  @Test
  void withoutAnyNamespaceTheErrorSaysToSetNamespace() throws Exception {
    SecretProvider p = provider(null, noPod());
    SecretFetchException e = fetchError(p, "db/password");
    assertThat(e.reason()).isEqualTo(Reason.INVALID_REF);
    assertThat(e).hasMessage("no namespace for Secret \"db\": no namespace is configured and the pod's own is unknown ("
        + dir.resolve("no-service-account/namespace") + " does not exist); set namespace");
    // A ref that names its namespace needs no default.
    api.putSecret("ns3", "db", Map.of("password", "x"));
    assertThat(p.fetch("ns3:db/password", soon()).reveal()).isEqualTo("x");
  }

  @Test
  void inClusterDefaultOutsideAPodSaysWhatToConfigure() {
    assertThatThrownBy(() -> KubernetesSecretProvider.start(KubernetesProviderConfig.IN_CLUSTER, context, noPod(),
        KubernetesSecretProvider.Timings.DEFAULT))
        .isInstanceOf(SecretFetchException.class)
        .hasMessage("not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set); set api_server or "
            + "kubeconfig_file in the kubernetes provider's configuration");
  }

  @Test
  void kubeconfigFileGivesServerTokenAndNamespace() throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig.yml");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: %s}
        users:
        - name: agent
          user: {token: kubeconfig-token}
        contexts:
        - name: mock
          context: {cluster: mock, user: agent, namespace: kcns}
        current-context: mock
        """.formatted(api.url()));
    api.putSecret("kcns", "db", Map.of("password", "from-kubeconfig-namespace"));
    api.takeRequests();
    provider = KubernetesSecretProvider.start(new KubernetesProviderConfig(null, null, kubeconfig, null,
        KubernetesProviderConfig.Tls.NONE), context, noPod(), KubernetesSecretProvider.Timings.DEFAULT);
    assertThat(provider.fetch("db/password", soon()).reveal()).isEqualTo("from-kubeconfig-namespace");
    api.takeRequests();
    assertThat(api.recorded()).last().satisfies(r -> {
      assertThat(r.getHeader("Authorization")).isEqualTo("Bearer kubeconfig-token");
      assertThat(r.getHeader("User-Agent")).isEqualTo("remote-secrets-kubernetes");
    });
  }

  @Test
  void bearerTokenIsANestedSecretReadAtEachRequest() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "first-token\n");
    TestConfig c = TestConfig.parse("""
        global:
          secret_providers:
          - name: kube1
            kubernetes_sp_config:
              namespace: ns1
              api_server: %s
              bearer_token_file: %s
        secrets:
          s: {password_ref: {kube1: db/password}}
        """.formatted(api.url(), token));
    api.putSecret("ns1", "db", Map.of("password", "p"));
    api.takeRequests();
    SecretReader r = manager.reader(c.secret("s"));
    assertThat(r.await(Duration.ofSeconds(10)).reveal()).isEqualTo("p");
    api.takeRequests();
    assertThat(api.recorded()).filteredOn(q -> "remote-secrets-kubernetes".equals(q.getHeader("User-Agent")))
        .isNotEmpty().allSatisfy(q -> assertThat(q.getHeader("Authorization")).isEqualTo("Bearer first-token"));
  }

  @Test
  void fetchIsServedFromTheWatchOnceOneRuns() throws Exception {
    api.putSecret("ns1", "db", Map.of("user", "u", "password", "p1"));
    SecretProvider p = provider("ns1", noPod());
    assertThat(p.fetch("db/password", soon()).reveal()).isEqualTo("p1");
    List<Secret> pushed = new CopyOnWriteArrayList<>();
    SecretWatcher w = new SecretWatcher() {
      @Override
      public void changed(Secret value) {
        pushed.add(value);
      }

      @Override
      public void failed(SecretFetchException cause) {}
    };
    // Two keys of one Secret share one watch.
    SecretProvider.Watch w1 = p.watch("db/password", w).orElseThrow();
    SecretProvider.Watch w2 = p.watch("db/user", w).orElseThrow();
    api.awaitRequest(q -> q.contains("watch=true"), Duration.ofSeconds(10));
    // The watch is open once it has pushed the state to both subscribers.
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (pushed.size() < 2 && System.nanoTime() < end) Thread.sleep(5);
    assertThat(pushed).containsExactlyInAnyOrder(Secret.of("p1"), Secret.of("u"));
    assertThat(((KubernetesSecretProvider) p).watchedSecrets()).isEqualTo(1);
    for (int i = 0; i < 100; i++) assertThat(p.fetch("db/password", soon()).reveal()).isEqualTo("p1");
    assertThat(p.fetch("db/user", soon()).reveal()).isEqualTo("u");
    assertThat(api.takeProviderRequests()).isEmpty();
    w1.close();
    assertThat(((KubernetesSecretProvider) p).watchedSecrets()).isEqualTo(1);
    w2.close();
    assertThat(((KubernetesSecretProvider) p).watchedSecrets()).isZero();
  }

  @Test
  void closeEndsWatchesAndThreads() throws Exception {
    api.putSecret("ns1", "db", Map.of("password", "p"));
    SecretProvider p = provider("ns1", noPod());
    p.fetch("db/password", soon());
    p.watch("db/password", new SecretWatcher() {
      @Override
      public void changed(Secret value) {}

      @Override
      public void failed(SecretFetchException cause) {}
    }).orElseThrow();
    api.awaitRequest(q -> q.contains("watch=true"), Duration.ofSeconds(10));
    assertThat(threads()).isNotEmpty();
    p.close();
    provider = null;
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!threads().isEmpty() && System.nanoTime() < end) Thread.sleep(10);
    assertThat(threads()).isEmpty();
    assertThat(p.watch("db/password", null)).isEmpty();
    assertThatThrownBy(() -> p.fetch("db/password", soon())).hasMessage("provider closed");
  }

  private static List<String> threads() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(n -> n.startsWith("remote-secrets-kubernetes-")).toList();
  }

  @Test
  void watchesAreRenewedFromTheLastResourceVersion() throws Exception {
    api.putSecret("ns1", "db", Map.of("password", "p1"));
    provider = KubernetesSecretProvider.start(new KubernetesProviderConfig("ns1", api.url(), null, null,
        KubernetesProviderConfig.Tls.NONE), context, noPod(),
        new KubernetesSecretProvider.Timings(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMillis(300)));
    List<Secret> pushed = new CopyOnWriteArrayList<>();
    provider.fetch("db/password", soon());
    provider.watch("db/password", new SecretWatcher() {
      @Override
      public void changed(Secret value) {
        pushed.add(value);
      }

      @Override
      public void failed(SecretFetchException cause) {}
    }).orElseThrow();
    api.takeRequests();
    // Renewals: a new WATCH every 300–600 ms, each from the last resourceVersion, and no LIST or GET.
    List<String> requests = api.awaitRequests(3, q -> q.contains("watch=true"), Duration.ofSeconds(10));
    assertThat(requests).filteredOn(q -> q.endsWith("[provider]"))
        .allMatch(q -> q.contains("fieldSelector=metadata.name%3Ddb") && q.contains("watch=true"));
    api.putSecret("ns1", "db", Map.of("password", "p2"));
    long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (!pushed.contains(Secret.of("p2")) && System.nanoTime() < end) Thread.sleep(5);
    assertThat(pushed).contains(Secret.of("p2"));
    assertThat(provider.fetch("db/password", soon()).reveal()).isEqualTo("p2");
  }
}
