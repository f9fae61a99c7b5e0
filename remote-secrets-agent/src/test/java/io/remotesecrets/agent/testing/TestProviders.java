package io.remotesecrets.agent.testing;

import io.remotesecrets.Secret;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.provider.file.FileProviderFactory;
import io.remotesecrets.provider.inline.InlineProviderFactory;
import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretProviderConfig;
import io.remotesecrets.spi.SecretProviderFactory;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test provider type, {@code test}, following the core SPI: {@code test_sp_config: {id: x,
 * secrets: {ref: value}}}. It counts how often each {@code id} is loaded and closed, and can be
 * made unavailable ({@link #down}) like a secret store that cannot be reached.
 */
public final class TestProviders implements SecretProviderFactory {
  public static final Map<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();
  public static final Map<String, AtomicInteger> CLOSES = new ConcurrentHashMap<>();
  public static final Set<String> DOWN = ConcurrentHashMap.newKeySet();

  /** The test type plus the built-in {@code file} and {@code inline} types. */
  public static SecretProviderFactories factories() {
    return SecretProviderFactories.of(new TestProviders(), new FileProviderFactory(), new InlineProviderFactory());
  }

  public static int loads(String id) {
    return LOADS.getOrDefault(id, new AtomicInteger()).get();
  }

  public static int closes(String id) {
    return CLOSES.getOrDefault(id, new AtomicInteger()).get();
  }

  @Override
  public String type() {
    return "test";
  }

  @Override
  public SecretProviderConfig parse(ConfigMap config, ConfigContext context) {
    String id = config.required("id").asString();
    ConfigMap secrets = config.required("secrets").asMap();
    Map<String, Secret> values = new java.util.TreeMap<>();
    for (String ref : secrets.keys()) {
      ConfigNode v = secrets.required(ref);
      v.markSecret();
      values.put(ref, Secret.of(v.asString()));
    }
    return new Config(id, Map.copyOf(values));
  }

  record Config(String id, Map<String, Secret> secrets) implements SecretProviderConfig {
    @Override
    public SecretProvider load(ProviderContext context) {
      LOADS.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      return new SecretProvider() {
        @Override
        public Secret fetch(String ref, Instant deadline) throws SecretFetchException {
          if (DOWN.contains(id)) {
            throw new SecretFetchException(SecretFetchException.Reason.UNAVAILABLE, "store " + id + " unreachable");
          }
          Secret s = secrets.get(ref);
          if (s == null) throw new SecretFetchException(SecretFetchException.Reason.NOT_FOUND, "no secret " + ref);
          return s;
        }

        @Override
        public void close() {
          CLOSES.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        }
      };
    }
  }
}
