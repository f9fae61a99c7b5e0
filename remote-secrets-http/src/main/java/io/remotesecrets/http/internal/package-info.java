/** Implementation of {@code io.remotesecrets.http}: TLS managers, PEM reading, proxy choice. Not API. */
package io.remotesecrets.http.internal;
