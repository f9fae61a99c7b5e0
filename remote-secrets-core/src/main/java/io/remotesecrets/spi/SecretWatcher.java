package io.remotesecrets.spi;

import io.remotesecrets.Secret;

/** Receives pushed changes of one watched ref. See {@link SecretProvider#watch}. */
public interface SecretWatcher {
  /** The value is now {@code value} (it may equal the previous one). */
  void changed(Secret value);

  /** The value went away (deleted, permission revoked); the last good value stays in use. */
  void failed(SecretFetchException cause);
}
