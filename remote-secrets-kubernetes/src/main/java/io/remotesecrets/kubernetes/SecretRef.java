package io.remotesecrets.kubernetes;

import java.util.regex.Pattern;

/**
 * A parsed ref: {@code [<namespace>:]<secret name>[/<key>]}. The named form of the first draft
 * writes {@code myuser-pass} or {@code myuser-pass/password}; the map form of proposal 0047 adds
 * the namespace in front ({@code ns1:pass2/http_password}), so that secrets of every namespace
 * share one provider and one API connection.
 *
 * @param namespace null for the provider's namespace
 * @param key null for "the Secret's only key"
 */
record SecretRef(String namespace, String name, String key) {
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DATA_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  /**
   * Parses and validates a ref with Kubernetes's own rules for names and keys.
   *
   * @throws IllegalArgumentException naming the rule the ref breaks
   */
  static SecretRef parse(String ref) {
    if (ref.isEmpty()) {
      throw new IllegalArgumentException("ref must not be empty; expected <secret name> or <secret name>/<key>");
    }
    String rest = ref;
    String namespace = null;
    int colon = rest.indexOf(':');
    if (colon >= 0) {
      namespace = rest.substring(0, colon);
      checkNamespace(namespace);
      rest = rest.substring(colon + 1);
    }
    String key = null;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      key = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
      if (key.indexOf('/') >= 0) {
        throw new IllegalArgumentException("expected <secret name> or <secret name>/<key>, found more than one \"/\"");
      }
      checkKey(key);
    }
    checkName(rest);
    return new SecretRef(namespace, rest, key);
  }

  /** Formats a ref that {@link #parse} reads back. */
  static String format(String namespace, String name, String key) {
    return (namespace == null ? "" : namespace + ":") + name + (key == null ? "" : "/" + key);
  }

  static void checkName(String name) {
    if (name.isEmpty()) throw new IllegalArgumentException("Secret name must not be empty");
    if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      throw new IllegalArgumentException("\"" + name + "\" is not a valid Secret name: a lowercase RFC 1123 subdomain "
          + "of at most 253 characters must consist of lower case alphanumeric characters, '-' or '.', "
          + "and must start and end with an alphanumeric character");
    }
  }

  static void checkKey(String key) {
    if (key.isEmpty()) throw new IllegalArgumentException("Secret data key must not be empty");
    if (key.length() > 253 || !DATA_KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("\"" + key + "\" is not a valid Secret data key: a key of at most 253 "
          + "characters must consist of alphanumeric characters, '-', '_' or '.'");
    }
    if (key.equals(".") || key.equals("..") || key.startsWith("..")) {
      throw new IllegalArgumentException("\"" + key + "\" is not a valid Secret data key: it must not be '.' or '..' "
          + "nor start with '..'");
    }
  }

  static void checkNamespace(String namespace) {
    if (namespace.isEmpty()) throw new IllegalArgumentException("namespace must not be empty");
    if (namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches()) {
      throw new IllegalArgumentException("\"" + namespace + "\" is not a valid namespace: a lowercase RFC 1123 label "
          + "of at most 63 characters must consist of lower case alphanumeric characters or '-', "
          + "and must start and end with an alphanumeric character");
    }
  }

  @Override
  public String toString() {
    return format(namespace, name, key);
  }
}
