package io.remotesecrets.agent.cli;

import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.agent.config.AgentConfig;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigError;
import io.remotesecrets.config.ConfigException;
import io.remotesecrets.config.Durations;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code check config FILE...}: promtool-style validation, optionally fetching every secret. */
@Command(name = "check", description = "Check configuration files.", mixinStandardHelpOptions = true,
    subcommands = CheckCommand.Config.class)
public final class CheckCommand {

  @Command(name = "config", mixinStandardHelpOptions = true,
      description = {"Check that configuration files are valid: every error with file, line, column and field.",
          "Refs are checked against the declared providers; secrets are fetched only with --fetch."})
  static final class Config implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Configuration files (prometheus.yml).")
    List<Path> files;

    @Option(names = "--fetch", description = "Also fetch every provider-backed secret once and report the result (never a value).")
    boolean fetch;

    @Option(names = "--fetch.timeout", defaultValue = "10s", paramLabel = "DURATION",
        description = "How long to wait for each secret with --fetch (default ${DEFAULT-VALUE}).")
    String fetchTimeout;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Duration timeout;
      try {
        timeout = Durations.parse(fetchTimeout);
      } catch (IllegalArgumentException e) {
        err.println("--fetch.timeout: " + e.getMessage());
        return 2;
      }
      boolean ok = true;
      SecretProviderFactories factories = SecretProviderFactories.load();
      for (Path file : files) {
        out.println("Checking " + file);
        AgentConfig config;
        try {
          config = AgentConfig.load(file, factories);
        } catch (ConfigException e) {
          out.println("  FAILED: " + e.errors().size() + (e.errors().size() == 1 ? " error" : " errors"));
          for (ConfigError error : e.errors()) err.println(error);
          ok = false;
          continue;
        }
        out.println(" SUCCESS: " + file + " is valid remote-secrets config file syntax");
        if (fetch && !fetchAll(config, timeout, out)) ok = false;
        out.flush();
      }
      out.flush();
      err.flush();
      return ok ? 0 : 1;
    }

    /** Fetches every distinct provider-backed secret concurrently; prints one line per field. */
    private static boolean fetchAll(AgentConfig config, Duration timeout, PrintWriter out) {
      boolean ok = true;
      try (SecretManager manager = SecretManager.builder().build()) {
        Map<SecretSpec, SecretReader> readers = new LinkedHashMap<>();
        List<ConfigContext.UsedSecret> used = config.secrets();
        for (ConfigContext.UsedSecret u : used) readers.computeIfAbsent(u.spec(), manager::reader);
        for (ConfigContext.UsedSecret u : used) {
          if (u.spec() instanceof SecretSpec.Inline) {
            out.println("  " + u.path() + ": inline");
            continue;
          }
          try {
            readers.get(u.spec()).await(timeout);
            out.println("  " + u.path() + ": " + u.spec().description() + ": fetched");
          } catch (SecretUnavailableException e) {
            out.println("  " + u.path() + ": FAILED: " + e.getMessage());
            ok = false;
          }
        }
      }
      return ok;
    }
  }
}
