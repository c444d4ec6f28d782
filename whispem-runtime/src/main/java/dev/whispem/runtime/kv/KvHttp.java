package dev.whispem.runtime.kv;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/1.1 client on plain sockets (docs/whispem/kv-extension.md §6): one connection per
 * request, {@code Connection: close}, one deadline for connect, send and receive.
 */
final class KvHttp {
    static final int MAX_HEADER_BYTES = 65_536;
    static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    /** Closes sockets whose deadline has passed, which also bounds blocking writes. */
    private static final ScheduledExecutorService WATCHDOG =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "whispem-kv-watchdog");
                        t.setDaemon(true);
                        return t;
                    });

    record Response(int status, byte[] body) {}

    /** Thrown by the parser; turned into "invalid response". */
    private static final class Malformed extends Exception {
        Malformed() {
            super(null, null, false, false);
        }
    }

    /** The connection ended (EOF or reset) before the response was complete. */
    private static final class Truncated extends Exception {
        Truncated() {
            super(null, null, false, false);
        }
    }

    private KvHttp() {}

    static Response exchange(KvConfig config, String method, String target, byte[] body)
            throws KvFailure {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(config.host());
        } catch (UnknownHostException | SecurityException e) {
            throw new KvFailure("cannot reach " + config.endpoint() + ": unknown host");
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.timeoutMs());
        Socket socket = connect(config, addresses, deadline);
        boolean[] expired = {false};
        ScheduledFuture<?> guard =
                WATCHDOG.schedule(
                        () -> {
                            synchronized (expired) {
                                expired[0] = true;
                            }
                            closeQuietly(socket);
                        },
                        Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
        try {
            OutputStream out = socket.getOutputStream();
            out.write(request(config, method, target, body));
            out.flush();
            return read(new DeadlineInput(socket, deadline));
        } catch (SocketTimeoutException e) {
            throw timedOut(config);
        } catch (IOException | Truncated e) {
            synchronized (expired) {
                if (expired[0]) {
                    throw timedOut(config);
                }
            }
            throw new KvFailure(
                    "connection to " + config.endpoint() + " closed before a complete response");
        } catch (Malformed e) {
            throw new KvFailure("invalid response from " + config.endpoint());
        } finally {
            guard.cancel(false);
            closeQuietly(socket);
        }
    }

    private static KvFailure timedOut(KvConfig config) {
        return new KvFailure(
                "timed out after " + config.timeoutMs() + " ms talking to " + config.endpoint());
    }

    private static Socket connect(KvConfig config, InetAddress[] addresses, long deadline)
            throws KvFailure {
        String reason = "connection failed";
        boolean allRefused = true;
        for (InetAddress address : addresses) {
            long remainingMs = remainingMs(deadline);
            if (remainingMs <= 0) {
                throw timedOut(config);
            }
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, config.port()), (int) remainingMs);
                socket.setTcpNoDelay(true);
                return socket;
            } catch (SocketTimeoutException e) {
                closeQuietly(socket);
                throw timedOut(config);
            } catch (ConnectException e) {
                closeQuietly(socket);
                String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
                if (!message.contains("refused")) {
                    allRefused = false;
                }
            } catch (IOException | RuntimeException e) {
                closeQuietly(socket);
                allRefused = false;
            }
        }
        if (allRefused && addresses.length > 0) {
            reason = "connection refused";
        }
        throw new KvFailure("cannot reach " + config.endpoint() + ": " + reason);
    }

    private static long remainingMs(long deadline) {
        long nanos = deadline - System.nanoTime();
        return nanos <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    static byte[] request(KvConfig config, String method, String target, byte[] body) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(config.hostHeader()).append("\r\n");
        head.append("User-Agent: whispem-kv/1\r\n");
        if (config.token() != null) {
            head.append("Authorization: Bearer ").append(config.token()).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: application/octet-stream\r\n");
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        if (body == null) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    // ---- response ---------------------------------------------------------------------------

    private static Response read(DeadlineInput in) throws IOException, Malformed, Truncated {
        int[] headerBudget = {MAX_HEADER_BYTES};
        String statusLine = line(in, headerBudget);
        int status = status(statusLine);
        String transferEncoding = null;
        String contentLength = null;
        while (true) {
            String header = line(in, headerBudget);
            if (header.isEmpty()) {
                break;
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new Malformed();
            }
            String name = header.substring(0, colon);
            if (!name.chars().allMatch(KvHttp::tokenChar)) {
                throw new Malformed();
            }
            String value = trim(header.substring(colon + 1));
            switch (name.toLowerCase(Locale.ROOT)) {
                case "transfer-encoding" ->
                        transferEncoding =
                                transferEncoding == null ? value : transferEncoding + "," + value;
                case "content-length" -> {
                    if (!isDigits(value)
                            || (contentLength != null && !contentLength.equals(value))) {
                        throw new Malformed();
                    }
                    contentLength = value;
                }
                default -> {}
            }
        }
        if ((status >= 100 && status < 200) || status == 204 || status == 304) {
            return new Response(status, new byte[0]);
        }
        byte[] body;
        if (transferEncoding != null) {
            String[] codings = transferEncoding.split(",");
            if (!trim(codings[codings.length - 1]).equalsIgnoreCase("chunked")) {
                throw new Malformed();
            }
            body = chunked(in, headerBudget);
        } else if (contentLength != null) {
            String digits = contentLength.replaceFirst("^0+(?=.)", "");
            if (digits.length() > 9 || Long.parseLong(digits) > MAX_BODY_BYTES) {
                throw new Malformed();
            }
            body = exactly(in, Integer.parseInt(digits));
        } else {
            body = untilClose(in);
        }
        return new Response(status, body);
    }

    private static int status(String line) throws Malformed {
        // HTTP/1.D SP DDD [SP reason]
        if (line.length() < 12
                || !line.startsWith("HTTP/1.")
                || !isDigit(line.charAt(7))
                || line.charAt(8) != ' '
                || !isDigits(line.substring(9, 12))
                || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new Malformed();
        }
        return Integer.parseInt(line.substring(9, 12));
    }

    private static byte[] chunked(DeadlineInput in, int[] headerBudget)
            throws IOException, Malformed, Truncated {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in, new int[] {MAX_HEADER_BYTES});
            int semicolon = sizeLine.indexOf(';');
            String hex = trim(semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon));
            if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(KvHttp::hexChar)) {
                throw new Malformed();
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                break;
            }
            if (body.size() + size > MAX_BODY_BYTES) {
                throw new Malformed();
            }
            body.writeBytes(exactly(in, (int) size));
            if (!line(in, new int[] {2}).isEmpty()) {
                throw new Malformed();
            }
        }
        while (!line(in, headerBudget).isEmpty()) {
            // trailer fields are skipped
        }
        return body.toByteArray();
    }

    private static byte[] exactly(DeadlineInput in, int length) throws IOException, Truncated {
        byte[] data = new byte[length];
        int done = 0;
        while (done < length) {
            int n = in.read(data, done, length - done);
            if (n < 0) {
                throw new Truncated();
            }
            done += n;
        }
        return data;
    }

    private static byte[] untilClose(DeadlineInput in) throws IOException, Malformed {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                return body.toByteArray();
            }
            if (body.size() + n > MAX_BODY_BYTES) {
                throw new Malformed();
            }
            body.write(buffer, 0, n);
        }
    }

    /** One line without its LF and an optional CR before it; bytes count against budget[0]. */
    private static String line(DeadlineInput in, int[] budget)
            throws IOException, Malformed, Truncated {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new Truncated();
            }
            if (--budget[0] < 0) {
                throw new Malformed();
            }
            if (b == '\n') {
                break;
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isDigits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static boolean hexChar(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** RFC 9110 token characters (header names). */
    private static boolean tokenChar(int c) {
        return c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Buffered socket input whose reads time out at the request deadline. */
    private static final class DeadlineInput {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;

        DeadlineInput(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16_384);
            this.deadline = deadline;
        }

        private void arm() throws IOException {
            long remaining = remainingMs(deadline);
            if (remaining <= 0) {
                throw new SocketTimeoutException();
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remaining));
        }

        int read() throws IOException {
            arm();
            return in.read();
        }

        int read(byte[] buffer, int offset, int length) throws IOException {
            arm();
            return in.read(buffer, offset, length);
        }
    }
}
