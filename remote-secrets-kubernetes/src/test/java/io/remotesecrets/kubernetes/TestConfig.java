package io.remotesecrets.kubernetes;

import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigException;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses a test configuration: {@code global.secret_providers} as in the agent, and a
 * {@code secrets:} mapping of names to {@code {password | password_file | password_ref}}, read
 * the way every secret-typed field is read.
 */
final class TestConfig {
  final ConfigDocument document;
  final Map<String, SecretSpec> secrets = new LinkedHashMap<>();

  private TestConfig(ConfigDocument document) {
    this.document = document;
  }

  static TestConfig parse(String yaml) {
    return parse(yaml, null);
  }

  /** @throws ConfigException with every problem, as {@code check config} reports them */
  static TestConfig parse(String yaml, Path file) {
    TestConfig c = new TestConfig(ConfigDocument.parse("test.yml", file, yaml));
    ConfigContext context = new ConfigContext(c.document, SecretProviderFactories.load());
    ConfigMap root = c.document.root().asMap();
    ConfigMap global = root.map("global");
    global.get("secret_providers").ifPresent(context::declareProviders);
    ConfigMap secrets = root.map("secrets");
    for (String name : secrets.keys()) {
      ConfigNode node = secrets.get(name).orElseThrow();
      try {
        context.secret(node.asMap(), "", "password").ifPresent(s -> c.secrets.put(name, s));
      } catch (ConfigException e) {
        // Recorded in the document.
      }
    }
    c.document.finish();
    return c;
  }

  SecretSpec.FromProvider secret(String name) {
    return (SecretSpec.FromProvider) secrets.get(name);
  }
}
