package io.remotesecrets.vault;

import io.remotesecrets.Scheduler;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the provider takes from the process: environment variables ({@code VAULT_ADDR},
 * {@code VAULT_TOKEN}) and the scheduler that renews tokens and leases. Tests replace both.
 *
 * <p>Identity equality on purpose: every configuration parsed by the service-loaded factory
 * shares {@link #SYSTEM}, so reloads compare equal and keep their provider.
 */
final class VaultEnvironment {
  static final VaultEnvironment SYSTEM =
      new VaultEnvironment(System::getenv, () -> Scheduler.onDaemonThread("remote-secrets-vault-renew"));

  private final Function<String, String> env;
  private final Supplier<Scheduler> schedulers;

  VaultEnvironment(Function<String, String> env, Supplier<Scheduler> schedulers) {
    this.env = env;
    this.schedulers = schedulers;
  }

  /** An environment variable, or null when unset or empty. */
  String env(String name) {
    String v = env.apply(name);
    return v == null || v.isEmpty() ? null : v;
  }

  /** A scheduler for one provider; {@link Scheduler#close} stops it if it owns a thread. */
  Scheduler newScheduler() {
    return schedulers.get();
  }

  @Override
  public String toString() {
    return this == SYSTEM ? "system" : "custom";
  }
}
