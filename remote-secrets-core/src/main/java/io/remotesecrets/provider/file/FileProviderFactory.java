package io.remotesecrets.provider.file;

import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.spi.SecretProviderConfig;
import io.remotesecrets.spi.SecretProviderFactory;
import java.nio.file.Path;

/**
 * The {@code file} provider type.
 *
 * <pre>{@code
 * global:
 *   secret_providers:
 *   - name: files
 *     file_sp_config: {base_dir: /run/secrets}     # ref: path relative to base_dir
 * ...
 *     password_ref: {files: scrape/password}
 *     password: {file: /run/secrets/password}        # map form, or {file: {path: ...}}
 * }</pre>
 *
 * Relative {@code base_dir} and map-form paths resolve against the config file's directory.
 */
public final class FileProviderFactory implements SecretProviderFactory {
  @Override
  public String type() {
    return "file";
  }

  @Override
  public SecretProviderConfig parse(ConfigMap config, ConfigContext context) {
    ConfigNode dir = config.required("base_dir");
    String text = dir.asString();
    if (text.isEmpty()) throw dir.error("base_dir must not be empty");
    return new FileProviderConfig(context.resolve(text));
  }

  @Override
  public InlineSecret parseInline(ConfigNode params, ConfigContext context) {
    ConfigNode pathNode = params.isScalar() ? params : params.asMap().required("path");
    String text = pathNode.asString();
    if (text.isEmpty()) throw pathNode.error("path must not be empty");
    Path path = context.resolve(text);
    return new InlineSecret(FileProviderConfig.ABSOLUTE, path.toString());
  }
}
