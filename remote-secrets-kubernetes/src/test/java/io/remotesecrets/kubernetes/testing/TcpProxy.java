package io.remotesecrets.kubernetes.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of a test server, able to cut every connection through it
 * (as a load balancer or an API server restart does) and to refuse new ones for a while.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean refusing;
  private volatile int accepted;

  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread t = new Thread(this::acceptLoop, "tcp-proxy");
    t.setDaemon(true);
    t.start();
  }

  public String url() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  /** Connections accepted so far (refused ones included). */
  public int accepted() {
    return accepted;
  }

  /** Closes every open connection. */
  public void dropAll() {
    for (Socket s : sockets) closeQuietly(s);
    sockets.clear();
  }

  /** While true, new connections are closed as soon as they are accepted. */
  public void refuse(boolean refuse) {
    this.refusing = refuse;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        accepted++;
        if (refusing) {
          closeQuietly(client);
          continue;
        }
        Socket upstream = new Socket(InetAddress.getByName("127.0.0.1"), targetPort);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        if (listener.isClosed()) return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // Connection cut; close both ends below.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
      }
    }, "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    dropAll();
  }
}
