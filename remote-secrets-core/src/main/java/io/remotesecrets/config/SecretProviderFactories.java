package io.remotesecrets.config;

import io.remotesecrets.spi.SecretProviderFactory;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The provider types available to a configuration, found with {@link ServiceLoader}. */
public final class SecretProviderFactories {
  private final Map<String, SecretProviderFactory> byType;

  private SecretProviderFactories(Map<String, SecretProviderFactory> byType) {
    this.byType = byType;
  }

  /** Every {@link SecretProviderFactory} on the class path of {@code loader}. */
  public static SecretProviderFactories load(ClassLoader loader) {
    Map<String, SecretProviderFactory> byType = new TreeMap<>();
    for (SecretProviderFactory f : ServiceLoader.load(SecretProviderFactory.class, loader)) {
      SecretProviderFactory clash = byType.putIfAbsent(f.type(), f);
      if (clash != null && clash.getClass() != f.getClass()) {
        throw new IllegalStateException("two secret provider types are named \"" + f.type() + "\": "
            + clash.getClass().getName() + " and " + f.getClass().getName());
      }
    }
    return new SecretProviderFactories(byType);
  }

  /** Every factory on the class path of this library's class loader. */
  public static SecretProviderFactories load() {
    return load(SecretProviderFactories.class.getClassLoader());
  }

  /** Exactly these factories; for tests and embedders that want a closed set. */
  public static SecretProviderFactories of(SecretProviderFactory... factories) {
    Map<String, SecretProviderFactory> byType = new TreeMap<>();
    for (SecretProviderFactory f : factories) byType.put(f.type(), f);
    return new SecretProviderFactories(byType);
  }

  public Optional<SecretProviderFactory> get(String type) {
    return Optional.ofNullable(byType.get(type));
  }

  /** Known type names, sorted, for error messages. */
  public String typeNames() {
    return String.join(", ", byType.keySet());
  }
}
