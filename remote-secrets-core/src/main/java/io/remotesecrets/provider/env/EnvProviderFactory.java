package io.remotesecrets.provider.env;

import io.remotesecrets.Secret;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretProviderConfig;
import io.remotesecrets.spi.SecretProviderFactory;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The {@code env} provider type: a ref is the name of an environment variable of the process.
 *
 * <pre>{@code
 * secret_providers: [{name: env, env_sp_config: {}}]
 * password_ref: {env: SCRAPE_PASSWORD}
 * password: {env: SCRAPE_PASSWORD}           # map form, or {env: {name: SCRAPE_PASSWORD}}
 * }</pre>
 *
 * An unset variable is an error, never an empty secret. The environment of a running process
 * does not change, so there is nothing to watch.
 */
public final class EnvProviderFactory implements SecretProviderFactory {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  @Override
  public String type() {
    return "env";
  }

  @Override
  public SecretProviderConfig parse(ConfigMap config, ConfigContext context) {
    return EnvConfig.INSTANCE;
  }

  @Override
  public InlineSecret parseInline(ConfigNode params, ConfigContext context) {
    ConfigNode name = params.isScalar() ? params : params.asMap().required("name");
    return new InlineSecret(EnvConfig.INSTANCE, name.asString());
  }

  /** The provider has no settings; every env provider is the same one. */
  enum EnvConfig implements SecretProviderConfig, SecretProvider {
    INSTANCE;

    @Override
    public SecretProvider load(ProviderContext context) {
      return this;
    }

    @Override
    public void checkRef(String ref) {
      if (!NAME.matcher(ref).matches()) {
        throw new IllegalArgumentException("must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
      }
    }

    @Override
    public Secret fetch(String ref, Instant deadline) throws SecretFetchException {
      String v = System.getenv(ref);
      if (v == null) {
        throw new SecretFetchException(SecretFetchException.Reason.NOT_FOUND, "environment variable " + ref + " is not set");
      }
      return Secret.of(v);
    }
  }
}
