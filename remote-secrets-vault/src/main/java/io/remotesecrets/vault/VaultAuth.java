package io.remotesecrets.vault;

import io.remotesecrets.config.SecretSpec;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the provider gets a Vault token. Nested secrets are {@link SecretSpec}s, read through the
 * secret manager so that they are cached and refreshed like any other, and print
 * {@code <secret>}.
 */
sealed interface VaultAuth {
  /** Names the method in error messages: {@code approle (mount approle)}. */
  String description();

  /**
   * A token given to the provider: inline, from a file or provider, or from {@code VAULT_TOKEN}
   * when {@code source} is empty. "Logging in" re-reads the source.
   */
  record Token(Optional<SecretSpec> source) implements VaultAuth {
    @Override
    public String description() {
      return source.isPresent() ? "token" : "token (VAULT_TOKEN)";
    }
  }

  /** AppRole: {@code POST /v1/auth/<mount>/login} with a role ID and a secret ID. */
  record AppRole(String mount, SecretSpec roleId, SecretSpec secretId) implements VaultAuth {
    @Override
    public String description() {
      return "approle (mount " + mount + ")";
    }
  }

  /** Kubernetes: {@code POST /v1/auth/<mount>/login} with the pod's service-account token, read at each login. */
  record Kubernetes(String mount, String role, Path serviceAccountTokenFile) implements VaultAuth {
    static final Path DEFAULT_TOKEN_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    @Override
    public String description() {
      return "kubernetes (mount " + mount + ", role " + role + ")";
    }
  }
}
