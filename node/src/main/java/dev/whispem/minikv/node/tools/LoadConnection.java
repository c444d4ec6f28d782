package dev.whispem.minikv.node.tools;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection of the load tool, carrying one request at a time. Requests go
 * out as ready-made bytes; a response is parsed only as far as its status code and its {@code
 * Content-Length} body, which is skipped. That keeps the client's own cost per request a few
 * microseconds, so on a machine it shares with the server it measures the server, not itself
 * (docs/performance.md). A chunked or length-less response is refused with an error, never guessed
 * at.
 *
 * <p>All methods run on the connection's event loop.
 */
final class LoadConnection extends ChannelInboundHandlerAdapter {

    /** Receives the outcome of one request: a status code, or an error (status then -1). */
    interface Answer {
        void done(int status, Throwable error);
    }

    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    private final String hostHeader;
    private Channel channel;
    private ByteBuf pending;
    private Answer answer;
    private long sentAt;
    private int status;

    /** Body bytes still to skip; -1 while the headers are being read. */
    private long bodyLeft = -1;

    LoadConnection(String host, int port) {
        this.hostHeader = "Host: " + host + ":" + port + "\r\n";
    }

    /** The {@code Host} header line of requests on this connection. */
    String hostHeader() {
        return hostHeader;
    }

    boolean isOpen() {
        return channel != null && channel.isActive();
    }

    /** Connects to {@code host:port} on one of {@code group}'s event loops. */
    static ChannelFuture open(EventLoopGroup group, String host, int port, LoadConnection c) {
        ChannelFuture f =
                new Bootstrap()
                        .group(group)
                        .channel(
                                Epoll.isAvailable()
                                        ? EpollSocketChannel.class
                                        : NioSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(c)
                        .connect(host, port);
        c.channel = f.channel();
        return f;
    }

    EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Sends {@code request} (a whole HTTP/1.1 request); {@code done} hears the status. */
    void send(byte[] request, Answer done) {
        if (answer != null) {
            done.done(-1, new IllegalStateException("a request is already in flight"));
            return;
        }
        if (!channel.isActive()) {
            done.done(-1, new IOException("connection closed"));
            return;
        }
        answer = done;
        sentAt = System.nanoTime();
        channel.writeAndFlush(channel.alloc().ioBuffer(request.length).writeBytes(request));
    }

    /** Fails the request in flight if it has waited longer than {@code timeoutNanos}. */
    void expire(long now, long timeoutNanos) {
        if (answer != null && now - sentAt > timeoutNanos) {
            channel.close();
            finish(-1, new IOException("no answer within the request timeout"));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (pending != null) {
                pending.writeBytes(in);
                parse(pending);
                if (!pending.isReadable()) {
                    pending.release();
                    pending = null;
                }
            } else {
                parse(in);
                if (in.isReadable()) {
                    pending = ctx.alloc().heapBuffer(Math.max(256, in.readableBytes() * 2));
                    pending.writeBytes(in);
                }
            }
        } catch (IOException e) {
            ctx.close();
            finish(-1, e);
        } finally {
            in.release();
        }
    }

    /** Consumes whatever of one response {@code buf} holds. */
    private void parse(ByteBuf buf) throws IOException {
        if (bodyLeft < 0) {
            int end = indexOf(buf, HEADER_END);
            if (end < 0) {
                if (buf.readableBytes() > 64 * 1024) {
                    throw new IOException("response headers over 64 KiB");
                }
                return;
            }
            String head =
                    buf.toString(
                            buf.readerIndex(), end - buf.readerIndex(), StandardCharsets.UTF_8);
            buf.readerIndex(end + HEADER_END.length);
            status = statusOf(head);
            bodyLeft = contentLength(head);
        }
        int skip = (int) Math.min(bodyLeft, buf.readableBytes());
        buf.skipBytes(skip);
        bodyLeft -= skip;
        if (bodyLeft == 0) {
            bodyLeft = -1;
            finish(status, null);
        }
    }

    static int statusOf(String head) throws IOException {
        if (!head.startsWith("HTTP/1.") || head.length() < 12) {
            throw new IOException("not an HTTP/1.x response: " + firstLine(head));
        }
        try {
            return Integer.parseInt(head.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + firstLine(head));
        }
    }

    /** The body length a response's headers declare; a response without one is refused. */
    static long contentLength(String head) throws IOException {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            if (name.equalsIgnoreCase("content-length")) {
                try {
                    return Long.parseLong(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length: " + line);
                }
            }
            if (name.equalsIgnoreCase("transfer-encoding")) {
                throw new IOException("chunked responses are not supported: " + line);
            }
        }
        int status = statusOf(head);
        if (status == 204 || status == 304) {
            return 0;
        }
        throw new IOException("response without Content-Length: " + firstLine(head));
    }

    private static String firstLine(String head) {
        int eol = head.indexOf("\r\n");
        return eol < 0 ? head : head.substring(0, eol);
    }

    private static int indexOf(ByteBuf buf, byte[] needle) {
        int last = buf.writerIndex() - needle.length;
        outer:
        for (int i = buf.readerIndex(); i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(-1, new IOException("connection closed by the server"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
        finish(-1, cause);
    }

    private void finish(int code, Throwable error) {
        Answer a = answer;
        answer = null;
        if (a != null) {
            a.done(code, error);
        }
    }
}
