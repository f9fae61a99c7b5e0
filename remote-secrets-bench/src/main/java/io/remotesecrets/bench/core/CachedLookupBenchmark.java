package io.remotesecrets.bench.core;

import io.remotesecrets.Secret;
import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.config.ProviderBinding;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretProviderConfig;
import io.remotesecrets.spi.ProviderContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The request-path cost of a provider-backed secret: {@link SecretReader#current()} on a
 * cached entry, against reading an inline (constant) secret and against resolving the reader
 * anew through {@link SecretManager#reader} each time (what a consumer that did not keep its
 * reader would pay).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CachedLookupBenchmark {
  record StaticConfig() implements SecretProviderConfig {
    @Override
    public SecretProvider load(ProviderContext context) {
      return (ref, deadline) -> Secret.of("value-of-" + ref);
    }
  }

  SecretManager manager;
  SecretReader cached;
  SecretReader inline;
  SecretSpec spec;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    manager = SecretManager.builder().build();
    spec = new SecretSpec.FromProvider(new ProviderBinding("bench", "static", new StaticConfig()), "pw", Duration.ofHours(1));
    cached = manager.reader(spec);
    cached.await(Duration.ofSeconds(10));
    inline = manager.reader(new SecretSpec.Inline(Secret.of("x")));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }

  @Benchmark
  public Secret cachedCurrent() throws Exception {
    return cached.current();
  }

  @Benchmark
  @Threads(2)
  public Secret cachedCurrentTwoThreads() throws Exception {
    return cached.current();
  }

  @Benchmark
  public Secret inlineCurrent() throws Exception {
    return inline.current();
  }

  @Benchmark
  public Secret readerLookupThenCurrent() throws Exception {
    return manager.reader(spec).current();
  }
}
