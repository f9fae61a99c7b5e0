package io.remotesecrets.provider.exec;

import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.spi.SecretProviderConfig;
import io.remotesecrets.spi.SecretProviderFactory;
import java.time.Duration;
import java.util.List;

/**
 * The {@code exec} provider type: runs a command that speaks Vector's exec secrets protocol.
 *
 * <pre>{@code
 * - name: vault-cli
 *   exec_sp_config:
 *     command: [/usr/local/bin/fetch-secret, --format, json]   # argv; no shell
 *     timeout: 5s                                              # default 5s
 * }</pre>
 *
 * The command reads {@code {"version":"1.0","secrets":["<ref>"]}} on stdin and writes
 * {@code {"<ref>":{"value":"...","error":null}}} on stdout. A relative program path resolves
 * against the config file's directory.
 */
public final class ExecProviderFactory implements SecretProviderFactory {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  @Override
  public String type() {
    return "exec";
  }

  @Override
  public SecretProviderConfig parse(ConfigMap config, ConfigContext context) {
    ConfigNode commandNode = config.required("command");
    List<String> command = config.strings("command");
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw commandNode.error("command must be a non-empty list: the program and its arguments");
    }
    String program = command.get(0);
    if (program.contains("/")) {
      command = new java.util.ArrayList<>(command);
      command.set(0, context.resolve(program).toString());
    }
    Duration timeout = config.duration("timeout", DEFAULT_TIMEOUT);
    if (timeout.isZero()) throw config.get("timeout").orElseThrow().error("timeout must be greater than 0");
    return new ExecConfig(List.copyOf(command), timeout);
  }
}
