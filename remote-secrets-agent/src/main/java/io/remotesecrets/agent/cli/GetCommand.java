package io.remotesecrets.agent.cli;

import io.remotesecrets.Secret;
import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.agent.config.AgentConfig;
import io.remotesecrets.config.ConfigError;
import io.remotesecrets.config.ConfigException;
import io.remotesecrets.config.Durations;
import io.remotesecrets.config.ProviderBinding;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code get --config FILE PROVIDER REF}: fetches one secret through a declared provider and
 * prints its length and fingerprint, so an operator can tell whether two places hold the same
 * value without printing it; {@code --reveal} prints the value itself.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Fetch one secret from a provider declared in the configuration; prints its length and SHA-256 fingerprint.")
public final class GetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"--config", "--config.file"}, required = true, paramLabel = "FILE", description = "The configuration declaring the provider.")
  Path config;

  @Parameters(index = "0", paramLabel = "PROVIDER", description = "A provider name from global.secret_providers.")
  String provider;

  @Parameters(index = "1", paramLabel = "REF", description = "The ref within that provider.")
  String ref;

  @Option(names = "--reveal", description = "Print the value itself.")
  boolean reveal;

  @Option(names = "--timeout", defaultValue = "10s", paramLabel = "DURATION", description = "How long to wait (default ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      AgentConfig cfg = AgentConfig.load(config, SecretProviderFactories.load());
      ProviderBinding binding = cfg.providers().get(provider);
      if (binding == null) {
        err.println("unknown secret provider \"" + provider + "\"; declared providers: "
            + (cfg.providers().isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(cfg.providers().keySet()))));
        return 1;
      }
      try {
        binding.config().checkRef(ref);
      } catch (IllegalArgumentException e) {
        err.println("invalid ref \"" + ref + "\" for secret provider " + binding + ": " + e.getMessage());
        return 1;
      }
      try (SecretManager manager = SecretManager.builder().build()) {
        Secret s = manager.reader(new SecretSpec.FromProvider(binding, ref, SecretSpec.DEFAULT_REFRESH_INTERVAL))
            .await(Durations.parse(timeout));
        if (reveal) out.println(s.reveal());
        else out.println("length=" + s.length() + " fingerprint=" + s.fingerprint());
        return 0;
      }
    } catch (ConfigException e) {
      for (ConfigError error : e.errors()) err.println(error);
      return 1;
    } catch (SecretUnavailableException e) {
      err.println(e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("--timeout: " + e.getMessage());
      return 2;
    } finally {
      out.flush();
      err.flush();
    }
  }

}
