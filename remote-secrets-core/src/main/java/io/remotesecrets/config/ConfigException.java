package io.remotesecrets.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration is invalid. {@link #errors()} lists every problem found, each naming file,
 * line, column and field path; the message is those lines joined. Never contains a secret:
 * parsers name fields, not values.
 */
public class ConfigException extends RuntimeException {
  private final List<ConfigError> errors;

  public ConfigException(List<ConfigError> errors) {
    super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<ConfigError> errors() {
    return errors;
  }
}
