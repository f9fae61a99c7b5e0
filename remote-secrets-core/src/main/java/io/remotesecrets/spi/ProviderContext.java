package io.remotesecrets.spi;

import io.remotesecrets.SecretReader;
import io.remotesecrets.config.SecretSpec;
import java.time.Clock;

/** What a provider gets from the {@link io.remotesecrets.SecretManager} that loads it. */
public interface ProviderContext {
  /** The provider's name: the declared name in the named form, the type in the map form. */
  String name();

  /** The manager's clock; providers that compute expiry use it so tests can run on fake time. */
  Clock clock();

  /**
   * A reader for a secret in the provider's own configuration (a Vault token kept in
   * Kubernetes, say). The value is refreshed like every other secret; read it at each use.
   */
  SecretReader reader(SecretSpec nested);
}
