package io.remotesecrets.provider.exec;

import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretProviderConfig;
import java.time.Duration;
import java.util.List;

/** {@code exec_sp_config}: the argv to run and how long it may take. */
public record ExecConfig(List<String> command, Duration timeout) implements SecretProviderConfig {
  @Override
  public SecretProvider load(ProviderContext context) {
    return new ExecSecretProvider(this);
  }

  @Override
  public void checkRef(String ref) {
    if (ref.isEmpty()) throw new IllegalArgumentException("ref must not be empty");
  }
}
