package io.remotesecrets.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.remotesecrets.kubernetes.testing.KubernetesApiMock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Measures the two watch scopes the provider could use, against fabric8's kubernetes-server-mock
 * 7.5.2 in CRUD mode (Kubernetes core/v1 Secret API): one watch per referenced Secret (field
 * selector {@code metadata.name}), or one watch of the whole namespace. The namespace holds the
 * 10 referenced Secrets and 100 unrelated ones of 4 KiB (other applications' credentials, Helm
 * release records); every Secret is then updated once. Counted: requests, watch connections,
 * events received and Secret data bytes received (base64, as on the wire).
 *
 * <p>{@code ./mvnw -pl remote-secrets-kubernetes -am test -Dtest=WatchScopeTest
 * -Dsurefire.failIfNoSpecifiedTests=false} writes the table to
 * {@code remote-secrets-kubernetes/target/benchmarks-kubernetes-scope.md}.
 */
class WatchScopeTest {
  private static final int REFERENCED = 10;
  private static final int UNRELATED = 100;
  private static final String NS = "scope";

  @RegisterExtension final KubernetesApiMock api = new KubernetesApiMock();

  private record Cost(int requests, int connections, long events, long bytes) {}

  @Test
  void perSecretWatchesReceiveOnlyWhatIsReferenced() throws Exception {
    String filler = "x".repeat(4096);
    for (int i = 0; i < REFERENCED; i++) api.putSecret(NS, "s" + i, Map.of("password", "p" + i));
    for (int i = 0; i < UNRELATED; i++) api.putSecret(NS, "other-" + i, Map.of("blob", filler));

    Cost perSecret = measure(false, filler);
    Cost perNamespace = measure(true, filler);

    assertThat(perSecret.events()).isEqualTo(REFERENCED);
    assertThat(perNamespace.events()).isEqualTo(REFERENCED + UNRELATED);
    assertThat(perSecret.bytes()).isLessThan(perNamespace.bytes() / 50);
    String table = """
        | watch scope | requests (LIST + WATCH) | open watch connections | events received | Secret data received (bytes) | RBAC needed |
        |---|---|---|---|---|---|
        | per referenced Secret | %d | %d | %d | %,d | get/list/watch on the %d named Secrets (resourceNames) |
        | whole namespace | %d | %d | %d | %,d | list/watch on every Secret of the namespace |
        """.formatted(perSecret.requests(), perSecret.connections(), perSecret.events(), perSecret.bytes(), REFERENCED,
        perNamespace.requests(), perNamespace.connections(), perNamespace.events(), perNamespace.bytes());
    System.out.println(table);
    Path out = Path.of("target", "benchmarks-kubernetes-scope.md");
    try {
      Files.createDirectories(out.getParent());
      Files.writeString(out, table);
    } catch (IOException e) {
      throw new AssertionError("cannot write " + out, e);
    }
  }

  private Cost measure(boolean namespaceWide, String filler) throws Exception {
    api.takeRequests();
    AtomicLong events = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    List<Watch> watches = new ArrayList<>();
    Watcher<Secret> counter = new Watcher<>() {
      @Override
      public void eventReceived(Action action, Secret resource) {
        if (action == Action.BOOKMARK) return;
        events.incrementAndGet();
        bytes.addAndGet(dataBytes(resource));
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
    if (namespaceWide) {
      SecretList list = api.client().secrets().inNamespace(NS).list();
      watches.add(api.client().secrets().inNamespace(NS)
          .watch(new ListOptionsBuilder().withResourceVersion(list.getMetadata().getResourceVersion()).build(), counter));
    } else {
      for (int i = 0; i < REFERENCED; i++) {
        SecretList list = api.client().secrets().inNamespace(NS).withField("metadata.name", "s" + i).list();
        watches.add(api.client().secrets().inNamespace(NS).withField("metadata.name", "s" + i)
            .watch(new ListOptionsBuilder().withResourceVersion(list.getMetadata().getResourceVersion()).build(), counter));
      }
    }
    int requests = api.takeRequests().size();
    // The mock announces existing objects on a new watch; count only what the updates cause.
    Thread.sleep(300);
    events.set(0);
    // Bytes so far: the LIST responses, plus what the mock announced; keep only the LISTs.
    bytes.set(listedBytes(namespaceWide));
    // A different value per round: an update that changes nothing produces no event.
    String round = namespaceWide ? "-ns" : "-secret";
    for (int i = 0; i < REFERENCED; i++) api.putSecret(NS, "s" + i, Map.of("password", "q" + i + round));
    for (int i = 0; i < UNRELATED; i++) api.putSecret(NS, "other-" + i, Map.of("blob", filler + round));
    long expected = namespaceWide ? REFERENCED + UNRELATED : REFERENCED;
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (events.get() < expected && System.nanoTime() < end) Thread.sleep(5);
    Thread.sleep(200);
    watches.forEach(Watch::close);
    api.takeRequests();
    return new Cost(requests, watches.size(), events.get(), bytes.get());
  }

  private long listedBytes(boolean namespaceWide) {
    long total = 0;
    for (Secret s : api.client().secrets().inNamespace(NS).list().getItems()) {
      if (namespaceWide || s.getMetadata().getName().matches("s\\d+")) total += dataBytes(s);
    }
    api.takeRequests();
    return total;
  }

  private static long dataBytes(Secret s) {
    return s.getData() == null ? 0 : s.getData().values().stream().mapToLong(String::length).sum();
  }
}
