package io.remotesecrets.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretState;
import io.remotesecrets.SecretStatus;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.kubernetes.testing.KubernetesApiMock;
import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.testing.FakeClock;
import io.remotesecrets.testing.FakeScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How many API requests 10 000 simulated users cost while they read 10 Secrets for a simulated
 * hour, against fabric8's kubernetes-server-mock 7.5.2 in CRUD mode (Kubernetes core/v1 Secret
 * API). Each user reads one Secret ({@code user % 10}) once per simulated minute through a
 * {@link SecretReader}; the SecretManager runs on a {@link FakeClock} and {@link FakeScheduler}
 * with a 15 min refresh interval, and every Secret is rotated once, half-way.
 *
 * <p>The baseline is the first draft's model, "Fetch is called before each http request": the
 * same provider's {@code fetch} per read, without a watch, which is one GET per read. It runs
 * {@code k8s.bench.baselineMinutes} simulated minutes (default 1; 60 for the full hour).
 *
 * <p>{@code ./mvnw -pl remote-secrets-kubernetes -am test -Dtest=RequestCountTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dk8s.bench.baselineMinutes=60} writes the table to
 * {@code remote-secrets-kubernetes/target/benchmarks-kubernetes.md}.
 */
class RequestCountTest {
  private static final int SECRETS = 10;
  private static final int USERS = 10_000;
  private static final int MINUTES = 60;

  @RegisterExtension final KubernetesApiMock api = new KubernetesApiMock();

  @Test
  void requestsAreBoundedByTheNumberOfSecretsNotByReads() throws Exception {
    for (int i = 0; i < SECRETS; i++) api.putSecret("bench", "s" + i, Map.of("password", "v0-" + i));
    StringBuilder yaml = new StringBuilder("""
        global:
          secret_providers:
          - name: kube1
            kubernetes_sp_config: {namespace: bench, api_server: '%s', refresh_interval: 15m}
        secrets:
        """.formatted(api.url()));
    for (int i = 0; i < SECRETS; i++) yaml.append("  s").append(i).append(": {password_ref: {kube1: s").append(i).append("/password}}\n");
    TestConfig config = TestConfig.parse(yaml.toString());
    api.takeRequests();

    FakeClock clock = new FakeClock();
    FakeScheduler scheduler = new FakeScheduler(clock);
    long watchedReads = 0;
    int rotatedAtMinute = MINUTES / 2;
    long sinceRotationNanos = 0;
    List<String> watchedRequests = new ArrayList<>();
    try (SecretManager manager = SecretManager.builder().clock(clock).scheduler(scheduler)
        .fetchExecutor(Runnable::run).jitter(0).build()) {
      SecretReader[] readers = new SecretReader[SECRETS];
      for (int i = 0; i < SECRETS; i++) readers[i] = manager.reader(config.secret("s" + i));
      // Simulated minutes pass in milliseconds: let the watches open (as they do within
      // milliseconds of the first fetch in real time) before the first 15 min refresh comes due.
      // Watches open one after the other, each taking a WebSocket handshake; allow 1 s after the last request.
      watchedRequests.addAll(api.awaitRequests(SECRETS, q -> q.contains("watch=true"), Duration.ofSeconds(20)));
      Thread.sleep(1000);
      for (int minute = 0; minute < MINUTES; minute++) {
        if (minute == rotatedAtMinute) {
          // Rotate every Secret, one at a time, timing each write until its readers see it.
          // The test's own writes are not counted.
          for (int i = 0; i < SECRETS; i++) {
            api.putSecret("bench", "s" + i, Map.of("password", "v1-" + i));
            long start = System.nanoTime();
            awaitValue(readers[i], "v1-" + i);
            sinceRotationNanos = Math.max(sinceRotationNanos, System.nanoTime() - start);
          }
        }
        for (int u = 0; u < USERS; u++) {
          String v = readers[u % SECRETS].current().reveal();
          if (v.isEmpty()) throw new AssertionError("empty value");
          watchedReads++;
        }
        scheduler.advance(Duration.ofMinutes(1));
      }
      watchedRequests.removeIf(q -> !q.endsWith(" [provider]"));
      watchedRequests.replaceAll(q -> q.substring(0, q.length() - " [provider]".length()));
      watchedRequests.addAll(api.takeProviderRequests());
      for (SecretStatus s : manager.status()) assertThat(s.state()).isEqualTo(SecretState.SUCCESS);
    }
    long gets = watchedRequests.stream().filter(q -> !q.contains("watch=true")).count();
    long watches = watchedRequests.size() - gets;
    assertThat(watchedReads).isEqualTo((long) USERS * MINUTES);
    // One GET (first value) and one WATCH per Secret; the manager's 15 min refreshes and the
    // rotation are served by the watches.
    assertThat(gets).as("%s", watchedRequests).isEqualTo(SECRETS);
    assertThat(watches).isEqualTo(SECRETS);
    assertThat(Duration.ofNanos(sinceRotationNanos)).isLessThan(Duration.ofSeconds(1));

    // Baseline: one fetch per read.
    int baselineMinutes = Integer.getInteger("k8s.bench.baselineMinutes", 1);
    long baselineReads = 0;
    long baselineStart = System.nanoTime();
    api.takeRequests();
    SecretSpec.FromProvider spec = config.secret("s0");
    try (SecretManager nested = SecretManager.builder().build()) {
      SecretProvider provider = spec.provider().config().load(context(nested));
      try {
        for (int minute = 0; minute < baselineMinutes; minute++) {
          for (int u = 0; u < USERS; u++) {
            provider.fetch("s" + (u % SECRETS) + "/password", Instant.now().plusSeconds(10));
            baselineReads++;
          }
        }
      } finally {
        provider.close();
      }
    }
    Duration baselineTook = Duration.ofNanos(System.nanoTime() - baselineStart);
    long baselineRequests = api.takeProviderRequests().size();
    assertThat(baselineRequests).isEqualTo(baselineReads);

    String table = """
        | mode | simulated time | reads | API requests | requests per read |
        |---|---|---|---|---|
        | watch (this provider) | %d min | %,d | %d (%d GET + %d WATCH) | %.6f |
        | GET per use (first-draft baseline) | %d min | %,d | %,d | %.6f |
        %s
        Each rotated Secret reached its readers at most %d ms after the write returned, with no request by the provider.
        Baseline wall time: %d ms for %,d GETs against the mock.
        """.formatted(
        MINUTES, watchedReads, watchedRequests.size(), gets, watches, watchedRequests.size() / (double) watchedReads,
        baselineMinutes, baselineReads, baselineRequests, baselineRequests / (double) baselineReads,
        baselineMinutes == MINUTES ? "" : "| GET per use, projected to %d min | %d min | %,d | %,d | %.6f |\n".formatted(
            MINUTES, MINUTES, (long) USERS * MINUTES, baselineRequests * MINUTES / baselineMinutes,
            baselineRequests / (double) baselineReads),
        Duration.ofNanos(sinceRotationNanos).toMillis(), baselineTook.toMillis(), baselineRequests);
    System.out.println(table);
    Path out = Path.of("target", "benchmarks-kubernetes.md");
    try {
      Files.createDirectories(out.getParent());
      Files.writeString(out, table);
    } catch (IOException e) {
      throw new AssertionError("cannot write " + out, e);
    }
  }

  private static void awaitValue(SecretReader r, String want) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (!want.equals(r.current().reveal())) {
      if (System.nanoTime() > end) throw new AssertionError("rotation not pushed within 2 s: " + r.description());
      Thread.sleep(1);
    }
  }

  private static ProviderContext context(SecretManager manager) {
    return new ProviderContext() {
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
  }
}
