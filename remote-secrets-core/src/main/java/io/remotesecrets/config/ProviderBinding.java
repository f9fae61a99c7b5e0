package io.remotesecrets.config;

import io.remotesecrets.spi.SecretProviderConfig;

/**
 * One provider instance of a configuration: a declared provider ({@code name} as declared) or
 * a map-form one ({@code name} is its type). Equal bindings share one running provider and its
 * cache, across secrets and across reloads.
 */
public record ProviderBinding(String name, String type, SecretProviderConfig config) {
  @Override
  public String toString() {
    return name.equals(type) ? name : name + " (" + type + ")";
  }
}
