package io.remotesecrets;

import io.remotesecrets.config.ProviderBinding;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretProvider;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running provider: loaded on first use, closed when no entry uses it. */
final class ProviderHandle implements ProviderContext {
  private static final Logger log = LoggerFactory.getLogger(SecretManager.class);

  private final SecretManager manager;
  final ProviderBinding binding;
  private final List<SecretSpec> nested = new CopyOnWriteArrayList<>();
  private SecretProvider provider;
  private boolean closed;

  ProviderHandle(SecretManager manager, ProviderBinding binding) {
    this.manager = manager;
    this.binding = binding;
  }

  /**
   * The provider, loading it on first call. A failed load is not cached: the next fetch tries
   * again, so a provider that cannot start yet (no kubeconfig) recovers without a restart.
   */
  synchronized SecretProvider get() throws SecretFetchException {
    if (closed) throw new SecretFetchException(SecretFetchException.Reason.UNAVAILABLE, "provider closed by a reload");
    if (provider == null) {
      try {
        provider = binding.config().load(this);
      } catch (RuntimeException e) {
        throw new SecretFetchException(SecretFetchException.Reason.UNAVAILABLE,
            "cannot start provider: " + e.getClass().getSimpleName(), e);
      }
    }
    return provider;
  }

  List<SecretSpec> nestedSpecs() {
    return nested;
  }

  @Override
  public String name() {
    return binding.name();
  }

  @Override
  public Clock clock() {
    return manager.clock;
  }

  @Override
  public SecretReader reader(SecretSpec spec) {
    nested.add(spec);
    return manager.reader(spec);
  }

  void close() {
    SecretProvider p;
    synchronized (this) {
      closed = true;
      p = provider;
      provider = null;
    }
    if (p != null) {
      try {
        p.close();
      } catch (Exception e) {
        log.warn("closing secret provider {} failed: {}", binding, e.toString());
      }
    }
  }
}
