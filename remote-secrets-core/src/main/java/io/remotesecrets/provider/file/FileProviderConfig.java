package io.remotesecrets.provider.file;

import io.remotesecrets.config.ProviderBinding;
import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretProviderConfig;
import java.nio.file.Path;

/**
 * {@code file_sp_config: {base_dir: <dir>}}: refs are paths relative to {@code base_dir}, and
 * may not leave it. Without a base directory (the map form and {@code *_file} fields) refs are
 * absolute paths.
 *
 * @param baseDir absolute and normalised, or null for absolute refs
 */
public record FileProviderConfig(Path baseDir) implements SecretProviderConfig {
  /** The provider behind map-form {@code {file: /path}} secrets and every {@code *_file} field. */
  public static final FileProviderConfig ABSOLUTE = new FileProviderConfig(null);

  /** The binding of {@link #ABSOLUTE}, shared by every {@code *_file} field of a configuration. */
  public static final ProviderBinding ABSOLUTE_BINDING = new ProviderBinding("file", "file", ABSOLUTE);

  @Override
  public SecretProvider load(ProviderContext context) {
    return new FileSecretProvider(this);
  }

  @Override
  public void checkRef(String ref) {
    resolve(ref);
  }

  /**
   * The file a ref names.
   *
   * @throws IllegalArgumentException if the ref is empty, absolute under a base directory,
   *     relative without one, or climbs out of the base directory
   */
  Path resolve(String ref) {
    if (ref.isEmpty()) throw new IllegalArgumentException("ref must not be empty");
    Path p = Path.of(ref);
    if (baseDir == null) {
      if (!p.isAbsolute()) throw new IllegalArgumentException("must be an absolute path");
      return p.normalize();
    }
    if (p.isAbsolute()) throw new IllegalArgumentException("must be relative to base_dir " + baseDir);
    for (Path part : p) {
      if (part.toString().equals("..")) throw new IllegalArgumentException("must not contain \"..\"");
    }
    return baseDir.resolve(p).normalize();
  }
}
