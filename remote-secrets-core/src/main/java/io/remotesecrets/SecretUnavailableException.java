package io.remotesecrets;

/**
 * A secret has no value yet: its first fetch has not finished or failed. The message names the
 * provider, the ref and the cause, never a value.
 */
public class SecretUnavailableException extends Exception {
  public SecretUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
