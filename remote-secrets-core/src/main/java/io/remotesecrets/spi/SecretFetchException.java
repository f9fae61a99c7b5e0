package io.remotesecrets.spi;

/**
 * A provider could not produce a secret. The message says why in terms of the provider's own
 * objects (a path, a Secret name, an HTTP status) and never contains a secret value; the
 * {@link io.remotesecrets.SecretManager} adds the provider name and the ref.
 */
public class SecretFetchException extends Exception {
  private final Reason reason;

  /** Broad causes, for state and for deciding whether a retry can help. */
  public enum Reason {
    /** The ref names nothing at the provider (no such secret, key or field). */
    NOT_FOUND,
    /** The provider refused access (HTTP 401/403, RBAC, policy). */
    PERMISSION_DENIED,
    /** The ref is malformed for this provider. Retrying does not help. */
    INVALID_REF,
    /** The provider could not be reached or answered with an error; retrying may help. */
    UNAVAILABLE
  }

  public SecretFetchException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public SecretFetchException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
