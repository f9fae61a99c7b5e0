package io.remotesecrets;

/** The states of proposal 0047's {@code remote_secret_state} metric. */
public enum SecretState {
  /** No value has been fetched yet, or the first fetches failed. */
  ERROR,
  /** A value was fetched, but the latest refresh failed; the last good value is in use. */
  STALE,
  /** The latest fetch succeeded. */
  SUCCESS;

  /** The label value: {@code error}, {@code stale}, {@code success}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
