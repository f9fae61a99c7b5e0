package io.remotesecrets.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEventBuilder;
import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretState;
import io.remotesecrets.SecretStatus;
import io.remotesecrets.kubernetes.testing.KubernetesApiMock;
import io.remotesecrets.kubernetes.testing.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The provider against fabric8's kubernetes-server-mock 7.5.2 in CRUD mode, which follows the
 * Kubernetes core/v1 Secret API (GET, LIST with fieldSelector, WATCH over WebSocket), through a
 * real SecretManager.
 */
class SecretWatchTest {
  @RegisterExtension final KubernetesApiMock api = new KubernetesApiMock();
  private SecretManager manager;

  @AfterEach
  void close() {
    if (manager != null) manager.close();
  }

  private SecretReader reader(String apiServer, String yamlSecret) {
    TestConfig c = TestConfig.parse("""
        global:
          secret_providers:
          - name: kube1
            kubernetes_sp_config:
              namespace: ns1
              api_server: %s
        secrets:
          s: %s
        """.formatted(apiServer, yamlSecret));
    manager = SecretManager.builder().build();
    return manager.reader(c.secrets.get("s"));
  }

  private SecretStatus status() {
    return manager.status().get(0);
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("not within " + timeout + ": " + what);
      Thread.sleep(5);
    }
  }

  private static String value(SecretReader r) {
    try {
      return r.current().reveal();
    } catch (Exception e) {
      return null;
    }
  }

  @Test
  void createFetchUpdateDeleteRecreate() throws Exception {
    api.putSecret("ns1", "pass2", Map.of("http_password", "v1", "other", "x"));
    api.takeRequests();
    SecretReader r = reader(api.url(), "{password_ref: {kube1: pass2/http_password}}");
    assertThat(r.await(Duration.ofSeconds(10)).reveal()).isEqualTo("v1");

    // One GET, then one WATCH by name starting at the GET's resourceVersion.
    List<String> setup = api.awaitRequest(q -> q.contains("watch=true"), Duration.ofSeconds(10));
    assertThat(setup).hasSize(2);
    assertThat(setup.get(0)).isEqualTo("GET /api/v1/namespaces/ns1/secrets/pass2 [provider]");
    assertThat(setup.get(1)).startsWith("GET /api/v1/namespaces/ns1/secrets?")
        .contains("fieldSelector=metadata.name%3Dpass2").contains("watch=true").contains("resourceVersion=");

    // Update: pushed to the cache within 1 s, no provider request in between.
    api.putSecret("ns1", "pass2", Map.of("http_password", "v2", "other", "x"));
    long start = System.nanoTime();
    await("v2 in the cache", Duration.ofSeconds(1), () -> "v2".equals(value(r)));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(status().state()).isEqualTo(SecretState.SUCCESS);
    assertThat(api.takeProviderRequests()).isEmpty();

    // Delete: stale, the last value kept, an error naming namespace, Secret and key.
    api.deleteSecret("ns1", "pass2");
    await("stale", Duration.ofSeconds(2), () -> status().state() == SecretState.STALE);
    assertThat(value(r)).isEqualTo("v2");
    assertThat(status().lastError()).hasValue("provider kube1, ref pass2/http_password: "
        + "Secret \"pass2\" not found in namespace \"ns1\" (wanted key \"http_password\")");

    // Re-create: fresh again, from the same watch.
    api.putSecret("ns1", "pass2", Map.of("http_password", "v3"));
    await("v3 fresh", Duration.ofSeconds(2), () -> "v3".equals(value(r)) && status().state() == SecretState.SUCCESS);

    // Key removed: stale, and the error lists the remaining keys (never values).
    api.putSecret("ns1", "pass2", Map.of("renamed", "v4"));
    await("stale", Duration.ofSeconds(2), () -> status().state() == SecretState.STALE);
    assertThat(status().lastError()).hasValue("provider kube1, ref pass2/http_password: "
        + "key \"http_password\" not found in Secret \"pass2\" in namespace \"ns1\"; its keys: renamed");
    assertThat(value(r)).isEqualTo("v3");
    assertThat(api.takeProviderRequests()).isEmpty();
  }

  @Test
  void droppedWatchReconnectsAndCatchesUpdatesMadeInBetween() throws Exception {
    api.putSecret("ns1", "pass2", Map.of("http_password", "before"));
    try (TcpProxy proxy = new TcpProxy(api.port())) {
      SecretReader r = reader(proxy.url(), "{password_ref: {kube1: pass2/http_password}}");
      assertThat(r.await(Duration.ofSeconds(10)).reveal()).isEqualTo("before");
      api.awaitRequest(q -> q.contains("watch=true"), Duration.ofSeconds(10));
      // The watch is live: an update arrives through it.
      api.putSecret("ns1", "pass2", Map.of("http_password", "live"));
      await("update through the first watch", Duration.ofSeconds(2), () -> "live".equals(value(r)));

      // The server side goes away: every connection cut, new ones refused for a while.
      proxy.refuse(true);
      proxy.dropAll();
      api.putSecret("ns1", "pass2", Map.of("http_password", "during"));
      Thread.sleep(300);
      assertThat(value(r)).isEqualTo("live");
      proxy.refuse(false);

      await("update made while disconnected", Duration.ofSeconds(10), () -> "during".equals(value(r)));
      List<String> after = api.awaitRequest(q -> q.contains("watch=true"), Duration.ofSeconds(10));
      // Re-list by name (the state, including absence), then watch from the list's resourceVersion.
      assertThat(after).filteredOn(q -> q.endsWith("[provider]"))
          .anyMatch(q -> q.startsWith("GET /api/v1/namespaces/ns1/secrets?fieldSelector=metadata.name%3Dpass2")
              && !q.contains("watch=true"));

      // And the new watch delivers.
      api.putSecret("ns1", "pass2", Map.of("http_password", "after"));
      await("update after reconnect", Duration.ofSeconds(1), () -> "after".equals(value(r)));
      assertThat(status().state()).isEqualTo(SecretState.SUCCESS);
    }
  }

  @Test
  void goneRelistsAtOnceAndWatchesFromTheListsResourceVersion() throws Exception {
    api.putSecret("ns1", "gone", Map.of("k", "v1"));
    String rv = api.client().secrets().inNamespace("ns1").withName("gone").get().getMetadata().getResourceVersion();
    // The first watch (from the GET's resourceVersion) is answered as an API server whose watch
    // cache no longer holds that version: an ERROR event carrying a 410 Status.
    api.server().expect().get()
        .withPath("/api/v1/namespaces/ns1/secrets?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dgone"
            + "&resourceVersion=" + rv + "&watch=true")
        .andUpgradeToWebSocket().open()
        .waitFor(100).andEmit(new WatchEventBuilder().withType("ERROR").withObject(new StatusBuilder().withCode(410)
            .withReason("Expired").withMessage("too old resource version").build()).build())
        .done().once();
    api.takeRequests();
    SecretReader r = reader(api.url(), "{password_ref: {kube1: gone/k}}");
    assertThat(r.await(Duration.ofSeconds(10)).reveal()).isEqualTo("v1");

    List<String> requests = api.awaitRequests(2, q -> q.contains("watch=true"), Duration.ofSeconds(10));
    assertThat(requests).hasSize(4);
    assertThat(requests.get(0)).isEqualTo("GET /api/v1/namespaces/ns1/secrets/gone [provider]");
    assertThat(requests.get(1)).contains("resourceVersion=" + rv + "&watch=true");
    assertThat(requests.get(2)).isEqualTo("GET /api/v1/namespaces/ns1/secrets?fieldSelector=metadata.name%3Dgone [provider]");
    assertThat(requests.get(3)).contains("fieldSelector=metadata.name%3Dgone").contains("watch=true");

    api.putSecret("ns1", "gone", Map.of("k", "v2"));
    await("update through the new watch", Duration.ofSeconds(1), () -> "v2".equals(value(r)));
    assertThat(status().state()).isEqualTo(SecretState.SUCCESS);
  }

  @Test
  void watchRefusedByRbacMarksTheSecretStaleUntilAccessReturns() throws Exception {
    api.putSecret("ns1", "revoked", Map.of("k", "v1"));
    String rv = api.client().secrets().inNamespace("ns1").withName("revoked").get().getMetadata().getResourceVersion();
    // The Role lets the agent get the Secret but not watch it (yet): the first watch is refused.
    api.server().expect().get()
        .withPath("/api/v1/namespaces/ns1/secrets?allowWatchBookmarks=true&fieldSelector=metadata.name%3Drevoked"
            + "&resourceVersion=" + rv + "&watch=true")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
            .withMessage("secrets \"revoked\" is forbidden: cannot watch resource \"secrets\"").build())
        .once();
    SecretReader r = reader(api.url(), "{password_ref: {kube1: revoked/k}}");
    assertThat(r.await(Duration.ofSeconds(10)).reveal()).isEqualTo("v1");
    await("stale", Duration.ofSeconds(5), () -> status().state() == SecretState.STALE);
    assertThat(status().lastError()).hasValue("provider kube1, ref revoked/k: cannot watch Secret \"revoked\" in "
        + "namespace \"ns1\": forbidden (HTTP 403): grant get, list and watch on this Secret to the provider's identity "
        + "(a Role with resourceNames: [revoked] in namespace ns1)");
    assertThat(value(r)).isEqualTo("v1");
    // The next attempt (after backoff) lists and watches successfully: fresh again, and watching.
    await("fresh", Duration.ofSeconds(5), () -> status().state() == SecretState.SUCCESS);
    api.putSecret("ns1", "revoked", Map.of("k", "v2"));
    await("update through the watch", Duration.ofSeconds(1), () -> "v2".equals(value(r)));
  }
}
