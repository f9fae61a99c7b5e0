package io.remotesecrets.config;

/** URLs in messages: a URL written in a configuration may carry a password in its user info. */
public final class Urls {
  private Urls() {}

  /**
   * The text of a URL, valid or not, with any user info before an {@code @} in its authority
   * replaced by {@code xxxxx}, as prometheus/common's {@code URL.Redacted()} does. For quoting
   * a URL that failed to parse in an error message.
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
    return at >= start ? url.substring(0, start) + "xxxxx" + url.substring(at) : url;
  }
}
