package io.remotesecrets.agent.cli;

import io.remotesecrets.agent.Agent;
import io.remotesecrets.agent.AgentOptions;
import io.remotesecrets.agent.log.Logging;
import io.remotesecrets.config.ConfigException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code remote-secrets agent}: scrapes the targets of a prometheus.yml with credentials from
 * secret providers and forwards the samples with remote_write. Without {@code --config.file}
 * it runs a bundled demo that works offline.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Scrape targets with credentials from secret providers and forward the samples with remote_write.",
      "Without --config.file, runs a bundled offline demo: a local target behind basic auth whose password "
          + "comes from a secret provider."
    })
public final class AgentCommand implements Callable<Integer> {
  @Option(names = "--config.file", paramLabel = "<file>",
      description = "Prometheus configuration file. Default: the bundled demo configuration.")
  Path configFile;

  @Option(names = "--web.listen-address", paramLabel = "<host:port>", defaultValue = "127.0.0.1:9095",
      description = "Address for /metrics, /status, /api/v1/targets and /-/reload. Default: ${DEFAULT-VALUE}.")
  String listenAddress;

  @Option(names = "--log.level", paramLabel = "<level>", defaultValue = "info",
      description = "Only log messages at or above this level: debug, info, warn, error. Default: ${DEFAULT-VALUE}.")
  String logLevel;

  @Option(names = "--log.format", paramLabel = "<format>", defaultValue = "logfmt",
      description = "Log format: logfmt or json. Default: ${DEFAULT-VALUE}.")
  Logging.Format logFormat;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try {
      Logging.configure(Logging.level(logLevel), logFormat);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--log.level: " + e.getMessage());
    }
    InetSocketAddress listen = parseAddress(listenAddress);
    AgentOptions options = configFile == null ? AgentOptions.demo(listen) : AgentOptions.of(configFile, listen);
    Agent agent;
    try {
      agent = Agent.start(options);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("error loading configuration:\n" + e.getMessage());
      return 1;
    } catch (java.io.IOException e) {
      spec.commandLine().getErr().println("error starting the agent: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "remote-secrets-shutdown"));
    if (configFile == null) {
      spec.commandLine().getOut().println("remote-secrets demo running: open " + agent.webUrl().resolve("/status")
          + " (Ctrl-C to stop)");
      spec.commandLine().getOut().flush();
    }
    agent.awaitTermination();
    return 0;
  }

  private InetSocketAddress parseAddress(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--web.listen-address must be host:port, got \"" + text + "\"");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--web.listen-address: port must be 0-65535, got \"" + text.substring(colon + 1) + "\"");
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }
}
