package io.remotesecrets.agent.textparse;

/**
 * The input is not valid in the format being parsed. The message names the 1-based line and
 * what was expected: {@code line 3: expected "=" after label name, got "}"}.
 */
public final class TextParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int line;

  TextParseException(int line, String message) {
    super("line " + line + ": " + message, null, false, false);
    this.line = line;
  }

  /** The 1-based line number of the problem. */
  public int line() {
    return line;
  }
}
