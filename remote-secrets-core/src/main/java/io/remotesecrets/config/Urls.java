package io.remotesecrets.config;

/** URLs in messages: a URL written in a configuration may carry a password in its user info. */
public final class Urls {
  private Urls() {}

  /**
   * The text of a URL, valid or not, with the password of its user info replaced by
   * {@code xxxxx} ({@code user:xxxxx@host}), as Go's {@code URL.Redacted()} does for
   * prometheus/common. Works on text so that a URL that failed to parse can be quoted too.
   */
  public static String redact(String url) {
    int scheme = url.indexOf("://");
    int start = scheme >= 0 ? scheme + 3 : 0;
    int end = url.length();
    for (int i = start; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    int at = url.lastIndexOf('@', end - 1);
    int colon = at >= start ? url.indexOf(':', start) : -1;
    if (colon < 0 || colon > at) return url;
    return url.substring(0, colon) + ":xxxxx" + url.substring(at);
  }
}
