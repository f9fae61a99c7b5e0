package io.remotesecrets.http.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prometheus's proxy choice: {@code proxy_url} with {@code no_proxy} exclusions, or the
 * {@code HTTP_PROXY}/{@code HTTPS_PROXY}/{@code NO_PROXY} environment (upper or lower case) as
 * Go's {@code httpproxy.FromEnvironment} reads it. {@code no_proxy} entries are host names
 * (matching the host and its subdomains; a leading dot or {@code *.} means subdomains only),
 * IP addresses, CIDR ranges, optionally with {@code :port}, or {@code *} for everything.
 * Loopback targets are never proxied when the proxy comes from the environment, as in Go.
 */
public final class ConfiguredProxySelector extends ProxySelector {
  private final URI httpProxy;
  private final URI httpsProxy;
  private final List<String> noProxy;
  private final boolean fromEnvironment;

  private ConfiguredProxySelector(URI httpProxy, URI httpsProxy, String noProxy, boolean fromEnvironment) {
    this.httpProxy = httpProxy;
    this.httpsProxy = httpsProxy;
    this.noProxy = new ArrayList<>();
    if (noProxy != null) {
      for (String s : noProxy.split(",")) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) this.noProxy.add(t);
      }
    }
    this.fromEnvironment = fromEnvironment;
  }

  public static ConfiguredProxySelector of(URI proxy, String noProxy) {
    return new ConfiguredProxySelector(proxy, proxy, noProxy, false);
  }

  public static ConfiguredProxySelector fromEnvironment(Map<String, String> env) {
    return new ConfiguredProxySelector(envUri(env, "HTTP_PROXY"), envUri(env, "HTTPS_PROXY"), envValue(env, "NO_PROXY"), true);
  }

  private static String envValue(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isEmpty()) v = env.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? null : v;
  }

  private static URI envUri(Map<String, String> env, String name) {
    String v = envValue(env, name);
    if (v == null) return null;
    if (!v.contains("://")) v = "http://" + v;
    return URI.create(v);
  }

  /** The proxy for {@code uri}, or null for a direct connection. */
  public URI proxyFor(URI uri) {
    URI p = "https".equalsIgnoreCase(uri.getScheme()) ? httpsProxy : httpProxy;
    if (p == null || uri.getHost() == null) return null;
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    if (fromEnvironment && (host.equals("localhost") || isLoopback(host))) return null;
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    for (String rule : noProxy) if (matches(rule, host, port)) return null;
    return p;
  }

  @Override
  public List<Proxy> select(URI uri) {
    URI p = proxyFor(uri);
    if (p == null) return List.of(Proxy.NO_PROXY);
    int port = p.getPort() != -1 ? p.getPort() : 80;
    return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.getHost(), port)));
  }

  @Override
  public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
    // Nothing to remember: there is only one proxy.
  }

  private static boolean isLoopback(String host) {
    if (!isIpLiteral(host)) return false;
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static boolean isIpLiteral(String s) {
    return s.matches("[0-9.]+") || s.contains(":");
  }

  static boolean matches(String rule, String host, int port) {
    if (rule.equals("*")) return true;
    if (rule.contains("/")) return inCidr(rule, host);
    String rHost = rule;
    int rPort = -1;
    int colon = rule.lastIndexOf(':');
    if (colon > 0 && rule.indexOf(':') == colon && !rule.startsWith("[")) {
      rHost = rule.substring(0, colon);
      rPort = Integer.parseInt(rule.substring(colon + 1));
    } else if (rule.startsWith("[") && rule.contains("]:")) {
      rHost = rule.substring(1, rule.indexOf(']'));
      rPort = Integer.parseInt(rule.substring(rule.indexOf("]:") + 2));
    }
    if (rPort != -1 && rPort != port) return false;
    if (isIpLiteral(rHost) || isIpLiteral(host)) {
      try {
        return isIpLiteral(rHost) && isIpLiteral(host) && InetAddress.getByName(rHost).equals(InetAddress.getByName(host));
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }
    if (rHost.startsWith("*.")) rHost = rHost.substring(1);
    if (rHost.startsWith(".")) return host.endsWith(rHost);
    return host.equals(rHost) || host.endsWith("." + rHost);
  }

  private static boolean inCidr(String cidr, String host) {
    if (!isIpLiteral(host)) return false;
    try {
      String[] parts = cidr.split("/");
      byte[] net = InetAddress.getByName(parts[0]).getAddress();
      byte[] addr = InetAddress.getByName(host).getAddress();
      int bits = Integer.parseInt(parts[1]);
      if (net.length != addr.length) return false;
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((net[i / 8] & mask) != (addr[i / 8] & mask)) return false;
      }
      return true;
    } catch (java.net.UnknownHostException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return false;
    }
  }
}
