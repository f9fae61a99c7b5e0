package io.remotesecrets.provider.exec;

import io.remotesecrets.Secret;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretFetchException.Reason;
import io.remotesecrets.spi.SecretProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Runs the command once per fetch, with no shell. Its stdout is parsed, never echoed: a crash, a
 * timeout, oversized or malformed output is reported by the command's name and what went wrong.
 */
final class ExecSecretProvider implements SecretProvider {
  /** Protocol replies are small; more than this is a broken command. */
  static final int MAX_OUTPUT_BYTES = 1 << 20;

  private final ExecConfig config;

  ExecSecretProvider(ExecConfig config) {
    this.config = config;
  }

  @Override
  public Secret fetch(String ref, Instant deadline) throws SecretFetchException {
    String program = config.command().get(0);
    Duration untilDeadline = Duration.between(Instant.now(), deadline);
    Duration timeout = untilDeadline.compareTo(config.timeout()) < 0 ? untilDeadline : config.timeout();
    Process process;
    try {
      process = new ProcessBuilder(config.command()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE, "cannot run command " + program + ": " + e.getMessage());
    }
    try {
      CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readLimited(process.getInputStream()));
      try (OutputStream in = process.getOutputStream()) {
        in.write(("{\"version\":\"1.0\",\"secrets\":[" + jsonString(ref) + "]}\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // The command may exit without reading stdin; its output decides.
      }
      if (!process.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
        throw new SecretFetchException(Reason.UNAVAILABLE,
            "command " + program + " timed out after " + io.remotesecrets.config.Durations.format(timeout));
      }
      byte[] out = stdout.get(5, TimeUnit.SECONDS);
      if (out == null) {
        throw new SecretFetchException(Reason.UNAVAILABLE, "command " + program + " wrote more than " + MAX_OUTPUT_BYTES + " bytes");
      }
      if (process.exitValue() != 0) {
        throw new SecretFetchException(Reason.UNAVAILABLE, "command " + program + " exited with status " + process.exitValue());
      }
      return parse(program, ref, new String(out, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SecretFetchException(Reason.UNAVAILABLE, "interrupted while running command " + program);
    } catch (ExecutionException | TimeoutException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE, "cannot read output of command " + program);
    } finally {
      process.destroyForcibly();
    }
  }

  /** Reads at most {@link #MAX_OUTPUT_BYTES}; null when there was more. */
  private static byte[] readLimited(InputStream in) {
    try (in) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) >= 0) {
        if (buf.size() + n > MAX_OUTPUT_BYTES) return null;
        buf.write(chunk, 0, n);
      }
      return buf.toByteArray();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static Secret parse(String program, String ref, String json) throws SecretFetchException {
    Object doc;
    try {
      doc = new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build()).loadFromString(json);
    } catch (RuntimeException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE, "command " + program + " wrote output that is not JSON");
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new SecretFetchException(Reason.UNAVAILABLE, "command " + program + " did not write a JSON object");
    }
    if (!(map.get(ref) instanceof Map<?, ?> entry)) {
      throw new SecretFetchException(Reason.NOT_FOUND, "command " + program + " returned no entry for " + ref);
    }
    if (entry.get("error") instanceof String error && !error.isEmpty()) {
      // The command's own error text is its report about the ref, not a value.
      throw new SecretFetchException(Reason.NOT_FOUND, "command " + program + " reported an error: " + error);
    }
    if (!(entry.get("value") instanceof String value)) {
      throw new SecretFetchException(Reason.UNAVAILABLE, "command " + program + " returned no string value for " + ref);
    }
    return Secret.of(value);
  }

  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }
}
