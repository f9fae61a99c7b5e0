package io.remotesecrets.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP proxy double that serves only {@code CONNECT} (RFC 9110 section 9.3.6): it records
 * each CONNECT request head, opens the tunnel to the named host and port and relays bytes both
 * ways. Enough to check what a client sends to its proxy for https targets.
 */
final class ConnectProxy implements AutoCloseable {
  final List<String> connectHeads = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final Thread acceptor;

  ConnectProxy() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    acceptor = new Thread(this::acceptLoop, "connect-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> tunnel(client), "connect-proxy-tunnel");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void tunnel(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      String head = readHead(in);
      connectHeads.add(head);
      String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
      if (!requestLine[0].equals("CONNECT")) {
        client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return;
      }
      String[] hostPort = requestLine[1].split(":");
      try (Socket upstream = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
        OutputStream out = client.getOutputStream();
        out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread up = new Thread(() -> pipe(in, upstream), "connect-proxy-up");
        up.setDaemon(true);
        up.start();
        pipe(upstream.getInputStream(), client);
      }
    } catch (IOException e) {
      // The client or the target went away; the tunnel ends.
    }
  }

  private static void pipe(InputStream from, Socket to) {
    try {
      from.transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      // Closed by the other side.
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      b.write(c);
      String s = b.toString(StandardCharsets.US_ASCII);
      if (s.endsWith("\r\n\r\n")) return s;
    }
    throw new IOException("connection closed before the request head ended");
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
