package io.remotesecrets.kubernetes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the in-cluster defaults read from the pod: the {@code KUBERNETES_SERVICE_*} variables and
 * the mounted service account. Injected so that tests can play a pod.
 */
record Environment(Function<String, String> env, Path serviceAccountDir) {
  static final Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  static Environment system() {
    return new Environment(System::getenv, SERVICE_ACCOUNT_DIR);
  }

  Path namespaceFile() {
    return serviceAccountDir.resolve("namespace");
  }

  Path tokenFile() {
    return serviceAccountDir.resolve("token");
  }

  Path caFile() {
    return serviceAccountDir.resolve("ca.crt");
  }

  /** The pod's own namespace, from the service account mount; empty outside a pod. */
  Optional<String> podNamespace() {
    try {
      String ns = Files.readString(namespaceFile(), StandardCharsets.UTF_8).trim();
      return ns.isEmpty() ? Optional.empty() : Optional.of(ns);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
