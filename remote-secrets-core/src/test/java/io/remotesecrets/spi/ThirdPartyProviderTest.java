package io.remotesecrets.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.Secret;
import io.remotesecrets.SecretManager;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.config.SecretProviderFactories;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider type that only exists on an extra class path entry (as a third-party jar would)
 * is found by ServiceLoader and usable in both configuration forms.
 */
class ThirdPartyProviderTest {
  /** The third party's provider: {@code reverse_sp_config: {}}; the value is the ref reversed. */
  public static final class ReverseFactory implements SecretProviderFactory {
    @Override
    public String type() {
      return "reverse";
    }

    @Override
    public SecretProviderConfig parse(ConfigMap config, ConfigContext context) {
      return new ReverseConfig();
    }

    @Override
    public InlineSecret parseInline(ConfigNode params, ConfigContext context) {
      return new InlineSecret(new ReverseConfig(), params.asMap().required("of").asString());
    }
  }

  record ReverseConfig() implements SecretProviderConfig {
    @Override
    public SecretProvider load(ProviderContext context) {
      return (ref, deadline) -> Secret.of(new StringBuilder(ref).reverse().toString());
    }
  }

  @Test
  void providerOnAnExtraClassPathEntryIsPickedUp(@TempDir Path entry) throws Exception {
    Path services = entry.resolve("META-INF/services/" + SecretProviderFactory.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, ReverseFactory.class.getName() + "\n");

    assertThat(SecretProviderFactories.load(getClass().getClassLoader()).get("reverse")).isEmpty();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {entry.toUri().toURL()}, getClass().getClassLoader())) {
      SecretProviderFactories factories = SecretProviderFactories.load(loader);
      assertThat(factories.typeNames()).isEqualTo("env, exec, file, inline, reverse");

      ConfigDocument doc = ConfigDocument.parse("t.yml", null, """
          global: {secret_providers: [{name: rev, reverse_sp_config: {}}]}
          a: {password_ref: {rev: olleh}}
          b: {password: {reverse: {of: dlrow}}}
          """);
      ConfigContext ctx = new ConfigContext(doc, factories);
      ConfigMap root = doc.root().asMap();
      ctx.declareProviders(root.map("global").required("secret_providers"));
      var a = ctx.secret(root.map("a"), "", "password").orElseThrow();
      var b = ctx.secret(root.map("b"), "", "password").orElseThrow();
      doc.finish();
      try (SecretManager m = SecretManager.builder().build()) {
        assertThat(m.reader(a).await(Duration.ofSeconds(5)).reveal()).isEqualTo("hello");
        assertThat(m.reader(b).await(Duration.ofSeconds(5)).reveal()).isEqualTo("world");
      }
    }
  }

  @Test
  void aLambdaIsAProvider() throws Exception {
    SecretProvider p = (ref, deadline) -> Secret.of(ref);
    assertThat(p.fetch("x", Instant.now()).reveal()).isEqualTo("x");
    assertThat(p.watch("x", null)).isEmpty();
  }
}
