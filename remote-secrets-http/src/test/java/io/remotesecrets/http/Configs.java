package io.remotesecrets.http;

import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigException;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.SecretProviderFactories;
import java.nio.file.Path;

/** Parses test YAML the way a caller (scrape config, remote_write) does. */
final class Configs {
  private Configs() {}

  /**
   * Parses {@code yaml}: an optional {@code secret_providers} list (as under
   * {@code global.secret_providers}) and the http client fields.
   *
   * @throws ConfigException with every problem, as {@link ConfigDocument#finish()} reports them
   */
  static HttpClientConfig parse(String yaml) {
    return parse(yaml, null);
  }

  static HttpClientConfig parse(String yaml, Path file) {
    ConfigDocument doc = ConfigDocument.parse("test.yml", file, yaml);
    ConfigContext ctx = new ConfigContext(doc, SecretProviderFactories.load());
    ConfigMap root = doc.root().asMap();
    root.get("secret_providers").ifPresent(ctx::declareProviders);
    root.get("job_name");
    HttpClientConfig c = null;
    try {
      c = HttpClientConfig.parse(root, ctx);
    } catch (ConfigException e) {
      // Recorded in the document; finish() reports it with the rest.
    }
    doc.finish();
    return c;
  }

  static String error(String yaml) {
    try {
      parse(yaml);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a configuration error for:\n" + yaml);
  }
}
