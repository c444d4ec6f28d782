package dev.whispem.runtime.kv;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Accepts connections and answers a status line, then one header byte every 50 ms forever: each
 * read succeeds quickly, so only a deadline for the whole request stops a client.
 */
final class DripServer implements AutoCloseable {
    private final ServerSocket socket;

    DripServer() throws IOException {
        socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(this::serve, "drip-server");
        thread.setDaemon(true);
        thread.start();
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                OutputStream out = client.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nX-Drip: ".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                while (!socket.isClosed()) {
                    Thread.sleep(50);
                    out.write('x');
                    out.flush();
                }
            } catch (IOException e) {
                // the client gave up: serve the next one
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
