package io.remotesecrets.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code remote-secrets} command line. Subcommands: {@code agent} (run the scraper),
 * {@code check config} and {@code get}.
 */
@Command(
    name = "remote-secrets",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Prometheus-style secret providers: a scraping agent and configuration tools.",
    subcommands = {AgentCommand.class, CheckCommand.class, GetCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code; for tests and embedders. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line, for tests that capture its output. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version from the jar's manifest, when run from a jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"remote-secrets " + (v == null ? "(development build)" : v)};
    }
  }
}
