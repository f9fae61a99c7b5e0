package io.remotesecrets.spi;

import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;

/**
 * One provider type, found with {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/io.remotesecrets.spi.SecretProviderFactory} and put the jar on the
 * class path.
 *
 * <p>The {@link #type()} names the YAML keys: {@code <type>_sp_config} in
 * {@code global.secret_providers}, and {@code <type>} in the map form of a secret field.
 * {@code refresh_interval} is consumed by the core before the factory sees a mapping.
 *
 * <p>Parsing reports problems with {@link ConfigNode#error(String)}, which names the file,
 * line, column and field path; it must consume every key it accepts, so that the caller can
 * reject unknown ones.
 */
public interface SecretProviderFactory {

  /** The type name, lower case: {@code file}, {@code kubernetes}, {@code vault}. */
  String type();

  /** Parses {@code <type>_sp_config} of a named provider. */
  SecretProviderConfig parse(ConfigMap config, ConfigContext context);

  /**
   * Parses the map form {@code <field>: {<type>: params}} into the provider configuration and
   * the ref within it. {@code params} is usually a mapping; a type may also accept a scalar
   * shorthand ({@code {file: /path}}). The default rejects the map form.
   */
  default InlineSecret parseInline(ConfigNode params, ConfigContext context) {
    throw params.error("the " + type() + " secret provider cannot be used inline; declare it under global.secret_providers");
  }

  /**
   * The result of {@link #parseInline}: map-form secrets whose {@code config}s are equal share
   * one provider.
   */
  record InlineSecret(SecretProviderConfig config, String ref) {}
}
