package io.remotesecrets.provider.inline;

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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code inline} provider type, for demos and tests: secrets written in the configuration,
 * referenced by name. {@code inline_sp_config: {secrets: {ref: value}}}. The values print as
 * {@code <secret>} in config dumps.
 */
public final class InlineProviderFactory implements SecretProviderFactory {
  @Override
  public String type() {
    return "inline";
  }

  @Override
  public SecretProviderConfig parse(ConfigMap config, ConfigContext context) {
    ConfigMap secrets = config.required("secrets").asMap();
    Map<String, Secret> values = new LinkedHashMap<>();
    for (String ref : secrets.keys()) {
      ConfigNode v = secrets.required(ref);
      v.markSecret();
      values.put(ref, Secret.of(v.asString()));
    }
    return new InlineConfig(Map.copyOf(values));
  }

  /** The configured values; {@code toString} prints only the refs. */
  record InlineConfig(Map<String, Secret> secrets) implements SecretProviderConfig, SecretProvider {
    @Override
    public SecretProvider load(ProviderContext context) {
      return this;
    }

    @Override
    public void checkRef(String ref) {
      if (!secrets.containsKey(ref)) {
        throw new IllegalArgumentException("no such secret; configured: " + String.join(", ", new java.util.TreeSet<>(secrets.keySet())));
      }
    }

    @Override
    public Secret fetch(String ref, Instant deadline) throws SecretFetchException {
      Secret s = secrets.get(ref);
      if (s == null) throw new SecretFetchException(SecretFetchException.Reason.NOT_FOUND, "no secret named " + ref);
      return s;
    }
  }
}
