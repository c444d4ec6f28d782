package dev.whispem.runtime.kv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A raw TCP server on 127.0.0.1 that records each request's bytes (head and Content-Length body)
 * and answers with fixed bytes, then closes: for exact request bytes and malformed responses.
 */
final class CannedServer implements AutoCloseable {
    private final ServerSocket socket;
    private final byte[] response;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    CannedServer(String response) throws IOException {
        this.response = response.getBytes(StandardCharsets.ISO_8859_1);
        socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "canned-server");
        thread.setDaemon(true);
        thread.start();
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** Requests as ISO-8859-1 text (bytes preserved one per char). */
    List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                client.setSoTimeout(5_000);
                requests.add(readRequest(client.getInputStream()));
                OutputStream out = client.getOutputStream();
                out.write(response);
                out.flush();
                client.shutdownOutput();
            } catch (IOException e) {
                // closed or a client gone: keep serving until close()
            }
        }
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                int length = 0;
                for (String line : text.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                head.write(in.readNBytes(length));
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
