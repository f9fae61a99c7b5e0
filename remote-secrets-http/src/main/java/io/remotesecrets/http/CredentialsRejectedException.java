package io.remotesecrets.http;

import java.io.IOException;
import java.net.URI;

/**
 * The server answered 401 or 403 to the credentials this client injected, and a refresh of the
 * rejected secrets did not help (or was not possible). The message names the status, the URL
 * and, for each credential sent, its field and where it comes from (provider and ref); never a
 * value.
 */
public final class CredentialsRejectedException extends IOException {
  private final int statusCode;
  private final URI uri;

  CredentialsRejectedException(int statusCode, URI uri, String message) {
    super(message);
    this.statusCode = statusCode;
    this.uri = uri;
  }

  /** 401 or 403. */
  public int statusCode() {
    return statusCode;
  }

  /** The URL that answered. */
  public URI uri() {
    return uri;
  }
}
