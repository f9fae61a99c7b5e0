package io.remotesecrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.testing.FakeClock;
import io.remotesecrets.testing.FakeScheduler;
import io.remotesecrets.testing.TestProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SecretManagerTest {
  final FakeClock clock = new FakeClock();
  final FakeScheduler scheduler = new FakeScheduler(clock);
  final PrometheusRegistry registry = new PrometheusRegistry();
  final TestProvider provider = new TestProvider();
  SecretManager manager = SecretManager.builder()
      .clock(clock).scheduler(scheduler).fetchExecutor(Runnable::run).registry(registry).jitter(0).build();

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void inlineSecretsNeedNoProvider() throws Exception {
    SecretReader r = manager.reader(new SecretSpec.Inline(Secret.of("v")));
    assertThat(r.current().reveal()).isEqualTo("v");
    assertThat(r.isConstant()).isTrue();
    assertThat(r.description()).isEqualTo("inline");
  }

  @Test
  void firstFetchHappensAtRegistrationAndIsCached() throws Exception {
    provider.values.put("a", "one");
    SecretReader r = manager.reader(provider.spec("p", "a"));
    assertThat(provider.fetches).hasValue(1);
    for (int i = 0; i < 100; i++) assertThat(r.current().reveal()).isEqualTo("one");
    assertThat(provider.fetches).hasValue(1);
  }

  @Test
  void oneEntryPerProviderAndRefSharedByEveryReader() throws Exception {
    provider.values.put("a", "one");
    SecretReader r1 = manager.reader(provider.spec("p", "a"));
    SecretReader r2 = manager.reader(provider.spec("p", "a"));
    assertThat(r1).isSameAs(r2);
    assertThat(provider.fetches).hasValue(1);
    assertThat(provider.loads).hasValue(1);
    assertThat(manager.status()).hasSize(1);
  }

  @Test
  void refreshesInTheBackgroundAtTheRefreshInterval() throws Exception {
    provider.values.put("a", "one");
    SecretReader r = manager.reader(provider.spec("p", "a", Duration.ofMinutes(30)));
    provider.values.put("a", "two");
    scheduler.advance(Duration.ofMinutes(29));
    assertThat(r.current().reveal()).isEqualTo("one");
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(r.current().reveal()).isEqualTo("two");
    assertThat(provider.fetches).hasValue(2);
    assertThat(scheduler.nextDelay()).contains(Duration.ofMinutes(30));
  }

  @Test
  void jitterRefreshesAheadOfTheIntervalNeverAfter() {
    manager.close();
    manager = SecretManager.builder().clock(clock).scheduler(scheduler).fetchExecutor(Runnable::run).jitter(0.1).build();
    provider.values.put("a", "one");
    manager.reader(provider.spec("p", "a", Duration.ofMinutes(60)));
    assertThat(scheduler.nextDelay().orElseThrow()).isBetween(Duration.ofMinutes(54), Duration.ofMinutes(60));
  }

  @Test
  void neverFetchedSecretSaysWhatItWaitsForAndRetriesWithExponentialBackoff() {
    provider.fail("connection refused");
    SecretReader r = manager.reader(provider.spec("kube1", "myuser-pass"));
    assertThatThrownBy(r::current)
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessage("waiting for secret myuser-pass from provider kube1: connection refused");
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Duration d = scheduler.nextDelay().orElseThrow();
      delays.add(d);
      scheduler.advance(d);
    }
    assertThat(delays).extracting(Duration::toSeconds)
        .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 120L, 120L, 120L);
    assertThat(manager.status().get(0).state()).isEqualTo(SecretState.ERROR);
    provider.recover();
    provider.values.put("myuser-pass", "secret");
    scheduler.advance(Duration.ofMinutes(2));
    assertThat(manager.status().get(0).state()).isEqualTo(SecretState.SUCCESS);
    assertThat(scheduler.nextDelay()).contains(Duration.ofHours(1));
  }

  @Test
  void failedRefreshKeepsTheLastGoodValueAsStale() throws Exception {
    provider.values.put("a", "one");
    SecretReader r = manager.reader(provider.spec("p", "a"));
    provider.fail("503 from provider");
    scheduler.advance(Duration.ofHours(1));
    assertThat(r.current().reveal()).isEqualTo("one");
    SecretStatus s = manager.status().get(0);
    assertThat(s.state()).isEqualTo(SecretState.STALE);
    assertThat(s.lastError()).contains("provider p, ref a: 503 from provider");
    assertThat(scheduler.nextDelay()).contains(Duration.ofSeconds(1));
    provider.recover();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(manager.status().get(0).state()).isEqualTo(SecretState.SUCCESS);
    assertThat(manager.status().get(0).lastError()).isEmpty();
  }

  @Test
  void concurrentFirstFetchesMakeOneProviderCall() throws Exception {
    manager.close();
    ExecutorService pool = Executors.newCachedThreadPool();
    manager = SecretManager.builder().clock(clock).scheduler(scheduler).build();
    provider.values.put("a", "one");
    CountDownLatch gate = new CountDownLatch(1);
    provider.gate = gate;
    try {
      SecretReader r = manager.reader(provider.spec("p", "a"));
      CountDownLatch ready = new CountDownLatch(1000);
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        results.add(pool.submit(() -> {
          ready.countDown();
          return manager.reader(provider.spec("p", "a")).await(Duration.ofSeconds(10)).reveal();
        }));
      }
      assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
      gate.countDown();
      for (Future<String> f : results) assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("one");
      assertThat(r.current().reveal()).isEqualTo("one");
      assertThat(provider.fetches).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aProviderThatIgnoresItsDeadlineDoesNotHoldTheEntry() throws Exception {
    manager.close();
    ExecutorService fetcher = Executors.newCachedThreadPool();
    manager = SecretManager.builder().clock(clock).scheduler(scheduler).fetchExecutor(fetcher).jitter(0).build();
    try {
      provider.values.put("a", "late");
      CountDownLatch gate = new CountDownLatch(1);
      provider.gate = gate;
      SecretReader r = manager.reader(provider.spec("p", "a"));
      scheduler.advance(Duration.ofSeconds(31));
      assertThatThrownBy(r::current).hasMessage("waiting for secret a from provider p: no answer within 30s");
      assertThat(scheduler.nextDelay()).contains(Duration.ofSeconds(1));
      gate.countDown();
      long end = System.nanoTime() + 5_000_000_000L;
      while (manager.status().get(0).state() != SecretState.SUCCESS && System.nanoTime() < end) Thread.sleep(5);
      assertThat(r.current().reveal()).isEqualTo("late");
    } finally {
      fetcher.shutdownNow();
    }
  }

  @Test
  void rejectedCredentialsForceOneRateLimitedRefreshAndKeepThePreviousValueAsFallback() throws Exception {
    provider.values.put("a", "old");
    SecretReader r = manager.reader(provider.spec("p", "a"));
    Secret old = r.current();
    provider.values.put("a", "new");

    CompletableFuture<Secret> retry = r.reportRejected(old);
    assertThat(retry.get().reveal()).isEqualTo("new");
    assertThat(provider.fetches).hasValue(2);
    assertThat(r.previous()).contains(Secret.of("old"));

    // Reporting the old value again needs no fetch: the value already changed.
    assertThat(r.reportRejected(old).get().reveal()).isEqualTo("new");
    // Reporting the new value within 10 s of the forced refresh is rate-limited.
    assertThat(r.reportRejected(r.current()).get().reveal()).isEqualTo("new");
    assertThat(provider.fetches).hasValue(2);

    clock.advance(Duration.ofSeconds(10));
    provider.values.put("a", "newer");
    assertThat(r.reportRejected(r.current()).get().reveal()).isEqualTo("newer");
    assertThat(provider.fetches).hasValue(3);

    clock.advance(Duration.ofMinutes(5));
    assertThat(r.previous()).isEmpty();
  }

  @Test
  void rejectedRefreshThatFailsCompletesWithTheStaleValue() throws Exception {
    provider.values.put("a", "old");
    SecretReader r = manager.reader(provider.spec("p", "a"));
    provider.fail("down");
    assertThat(r.reportRejected(r.current()).get().reveal()).isEqualTo("old");
    assertThat(manager.status().get(0).state()).isEqualTo(SecretState.STALE);
  }

  @Test
  void watchingProvidersPushChanges() throws Exception {
    provider.watchable = true;
    provider.values.put("a", "one");
    SecretReader r = manager.reader(provider.spec("p", "a"));
    provider.watchers.get("a").changed(Secret.of("two"));
    assertThat(r.current().reveal()).isEqualTo("two");
    assertThat(provider.fetches).hasValue(1);
    provider.watchers.get("a").failed(new io.remotesecrets.spi.SecretFetchException(
        io.remotesecrets.spi.SecretFetchException.Reason.NOT_FOUND, "secret deleted"));
    assertThat(r.current().reveal()).isEqualTo("two");
    assertThat(manager.status().get(0).state()).isEqualTo(SecretState.STALE);
    provider.watchers.get("a").changed(Secret.of("three"));
    assertThat(manager.status().get(0).state()).isEqualTo(SecretState.SUCCESS);
  }

  @Test
  void reloadKeepsUnchangedProvidersWithTheirCacheAndClosesRemovedOnes() throws Exception {
    TestProvider other = new TestProvider();
    provider.values.put("a", "one");
    other.values.put("b", "two");
    SecretSpec a = provider.spec("p", "a");
    SecretSpec b = other.spec("q", "b");
    manager.reader(a);
    manager.reader(b);

    // New configuration: same "p" (equal config), "q" removed.
    SecretReader again = manager.reader(provider.spec("p", "a"));
    manager.retainOnly(List.of(provider.spec("p", "a")));
    assertThat(again.current().reveal()).isEqualTo("one");
    assertThat(provider.fetches).hasValue(1);
    assertThat(provider.loads).hasValue(1);
    assertThat(provider.closes).hasValue(0);
    assertThat(other.closes).hasValue(1);
    assertThat(manager.status()).extracting(SecretStatus::provider).containsExactly("p");

    // A changed config of "p" is a new provider: loaded anew, the old one closed.
    SecretSpec changed = new SecretSpec.FromProvider(
        new io.remotesecrets.config.ProviderBinding("p", "test", provider.config("p-v2")), "a", Duration.ofHours(1));
    manager.reader(changed);
    manager.retainOnly(List.of(changed));
    assertThat(provider.loads).hasValue(2);
    assertThat(provider.closes).hasValue(1);
    assertThat(provider.fetches).hasValue(2);
  }

  @Test
  void evictedEntriesStopRefreshingAndDropTheirMetrics() throws Exception {
    provider.values.put("a", "one");
    manager.reader(provider.spec("p", "a"));
    manager.retainOnly(List.of());
    assertThat(scheduler.pending()).isZero();
    assertThat(metrics()).doesNotContain("secret_id=\"a\"");
  }

  @Test
  void shortestRefreshIntervalWins() {
    provider.values.put("a", "one");
    manager.reader(provider.spec("p", "a", Duration.ofHours(1)));
    manager.reader(provider.spec("p", "a", Duration.ofMinutes(5)));
    assertThat(scheduler.nextDelay()).contains(Duration.ofMinutes(5));
  }

  @Test
  void exportsTheFourProposalMetricsAndFetchDuration() throws IOException {
    provider.values.put("a", "one");
    manager.reader(provider.spec("kube1", "a"));
    provider.fail("down");
    scheduler.advance(Duration.ofHours(1));
    String text = metrics();
    assertThat(text)
        .contains("remote_secret_state{provider=\"kube1\",secret_id=\"a\",state=\"stale\"} 1.0")
        .contains("remote_secret_state{provider=\"kube1\",secret_id=\"a\",state=\"success\"} 0.0")
        .contains("remote_secret_state{provider=\"kube1\",secret_id=\"a\",state=\"error\"} 0.0")
        .contains("remote_secret_fetch_success_total{provider=\"kube1\",secret_id=\"a\"} 1.0")
        .contains("remote_secret_fetch_failures_total{provider=\"kube1\",secret_id=\"a\"} 1.0")
        .contains("remote_secret_last_successful_fetch_seconds{provider=\"kube1\",secret_id=\"a\"} 1.7672256E9")
        .contains("remote_secret_fetch_duration_seconds_count{provider=\"kube1\"} 2");
  }

  @Test
  void statusNeverHoldsTheValue() {
    provider.values.put("a", "canary-7f3a9c");
    manager.reader(provider.spec("p", "a"));
    assertThat(manager.status().toString()).doesNotContain("canary-7f3a9c")
        .contains(Secret.of("canary-7f3a9c").fingerprint());
  }

  private String metrics() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
