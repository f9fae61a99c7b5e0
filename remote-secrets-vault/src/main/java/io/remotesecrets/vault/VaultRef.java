package io.remotesecrets.vault;

import java.util.Optional;

/**
 * A ref: {@code <path>#<field>}, or {@code <path>} alone for a secret with exactly one field.
 * The path is relative to the provider's mount.
 */
record VaultRef(String path, Optional<String> field) {

  /**
   * Parses a ref.
   *
   * @throws IllegalArgumentException naming the rule the ref breaks
   */
  static VaultRef parse(String ref) {
    int hash = ref.indexOf('#');
    String path = hash < 0 ? ref : ref.substring(0, hash);
    Optional<String> field = hash < 0 ? Optional.empty() : Optional.of(ref.substring(hash + 1));
    if (field.isPresent() && field.get().isEmpty()) {
      throw new IllegalArgumentException("the field after \"#\" is empty; use <path>#<field>, or <path> alone for a secret with one field");
    }
    return new VaultRef(normalizePath(path, "path"), field);
  }

  /**
   * Strips leading and trailing slashes.
   *
   * @throws IllegalArgumentException if the path is empty or has empty, "." or ".." segments
   */
  static String normalizePath(String path, String what) {
    String p = path;
    while (p.startsWith("/")) p = p.substring(1);
    while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
    if (p.isEmpty()) throw new IllegalArgumentException("the " + what + " is empty");
    for (String segment : p.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("the " + what + " must not have empty, \".\" or \"..\" segments");
      }
    }
    return p;
  }
}
