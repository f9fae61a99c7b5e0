package io.remotesecrets.config;

/**
 * One problem in a configuration file: {@code <file>:<line>:<column>: <field path>: <message>}.
 * Lines and columns count from 1.
 */
public record ConfigError(String file, int line, int column, String path, String message)
    implements Comparable<ConfigError> {

  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + (path.isEmpty() ? "" : path + ": ") + message;
  }

  @Override
  public int compareTo(ConfigError o) {
    int c = file.compareTo(o.file);
    if (c == 0) c = Integer.compare(line, o.line);
    if (c == 0) c = Integer.compare(column, o.column);
    return c;
  }
}
