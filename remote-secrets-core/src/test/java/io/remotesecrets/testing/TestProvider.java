package io.remotesecrets.testing;

import io.remotesecrets.Secret;
import io.remotesecrets.config.ProviderBinding;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretProviderConfig;
import io.remotesecrets.spi.SecretWatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable in-memory provider for tests: set values, make it fail, block fetches, count
 * calls, push watch events. Equal {@code id}s are equal configs.
 */
public final class TestProvider implements SecretProvider {
  public final Map<String, String> values = new ConcurrentHashMap<>();
  public final AtomicInteger fetches = new AtomicInteger();
  public final AtomicInteger loads = new AtomicInteger();
  public final AtomicInteger closes = new AtomicInteger();
  public final Map<String, SecretWatcher> watchers = new ConcurrentHashMap<>();
  public volatile SecretFetchException failure;
  public volatile CountDownLatch gate;
  public volatile boolean watchable;

  /** A config whose {@code load} returns this provider. */
  public Config config(String id) {
    return new Config(id, this);
  }

  public ProviderBinding binding(String name) {
    return new ProviderBinding(name, "test", config(name));
  }

  public SecretSpec spec(String name, String ref, Duration refresh) {
    return new SecretSpec.FromProvider(binding(name), ref, refresh);
  }

  public SecretSpec spec(String name, String ref) {
    return spec(name, ref, Duration.ofHours(1));
  }

  public void fail(String message) {
    failure = new SecretFetchException(SecretFetchException.Reason.UNAVAILABLE, message);
  }

  public void recover() {
    failure = null;
  }

  @Override
  public Secret fetch(String ref, Instant deadline) throws SecretFetchException {
    fetches.incrementAndGet();
    CountDownLatch g = gate;
    if (g != null) {
      try {
        if (!g.await(10, TimeUnit.SECONDS)) throw new SecretFetchException(SecretFetchException.Reason.UNAVAILABLE, "gate timeout");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SecretFetchException(SecretFetchException.Reason.UNAVAILABLE, "interrupted");
      }
    }
    SecretFetchException f = failure;
    if (f != null) throw f;
    String v = values.get(ref);
    if (v == null) throw new SecretFetchException(SecretFetchException.Reason.NOT_FOUND, "no such secret");
    return Secret.of(v);
  }

  @Override
  public Optional<Watch> watch(String ref, SecretWatcher watcher) {
    if (!watchable) return Optional.empty();
    watchers.put(ref, watcher);
    return Optional.of(() -> watchers.remove(ref));
  }

  @Override
  public void close() {
    closes.incrementAndGet();
  }

  /** Config of a {@link TestProvider}; equality by id only. */
  public static final class Config implements SecretProviderConfig {
    final String id;
    final TestProvider provider;

    Config(String id, TestProvider provider) {
      this.id = id;
      this.provider = provider;
    }

    @Override
    public SecretProvider load(ProviderContext context) {
      provider.loads.incrementAndGet();
      return provider;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Config c && c.id.equals(id);
    }

    @Override
    public int hashCode() {
      return id.hashCode();
    }

    @Override
    public String toString() {
      return "TestProvider.Config[" + id + "]";
    }
  }
}
