package io.remotesecrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A secret value. {@link #toString()} prints {@code <secret>}, so a {@code Secret} that reaches
 * a log line, an exception message or a config dump discloses nothing.
 *
 * <p>The only way to read the value is {@link #reveal()}, named so that every call site is
 * visible in review. Equality compares values in constant time.
 *
 * <p>Values are held as an ordinary {@code String}: HTTP headers need one anyway, and
 * memory-locking schemes are known to break agents under container limits.
 */
public final class Secret {
  /** What {@link #toString()} and every config dump print instead of a value. */
  public static final String REDACTED = "<secret>";

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** Wraps a value. {@code null} is rejected: a missing secret is an error, never an empty value. */
  public static Secret of(String value) {
    return new Secret(Objects.requireNonNull(value, "secret value"));
  }

  /** The value. Call it only where the value is put on the wire or into a key store. */
  public String reveal() {
    return value;
  }

  /** Length of the value in UTF-16 code units. */
  public int length() {
    return value.length();
  }

  /**
   * A short fingerprint ({@code sha256:} and the first 12 hex digits of the SHA-256 of the
   * UTF-8 value) that tells two values apart without disclosing either.
   */
  public String fingerprint() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return REDACTED;
  }
}
