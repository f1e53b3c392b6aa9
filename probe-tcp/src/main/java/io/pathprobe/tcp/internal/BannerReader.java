package io.pathprobe.tcp.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.tcp.TcpConnected;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Reads what the server sends first after the handshake, for a bounded time and number of bytes, then ends the
 * probe as connected with that banner. Used only when a request asks for it.
 */
final class BannerReader extends ChannelInboundHandlerAdapter implements Runnable {
    private final TcpAttempt attempt;
    private final Channel ch;
    private final java.net.InetAddress target;
    private final byte[] bytes;
    private int length;
    private long rtt;
    private int synRetransmits;
    private ScheduledFuture<?> timer;
    private boolean done;

    BannerReader(TcpAttempt attempt, Channel ch, java.net.InetAddress target, int maxBytes) {
        this.attempt = attempt;
        this.ch = ch;
        this.target = target;
        this.bytes = new byte[maxBytes];
    }

    void start(long waitNanos, long rtt, int synRetransmits) {
        this.rtt = rtt;
        this.synRetransmits = synRetransmits;
        if (waitNanos <= 0) {
            finish();
            return;
        }
        ch.pipeline().addLast(this);
        timer = ch.eventLoop().schedule(this, waitNanos, TimeUnit.NANOSECONDS);
        ch.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            int n = Math.min(buf.readableBytes(), bytes.length - length);
            buf.readBytes(bytes, length, n);
            length += n;
        }
        io.netty.util.ReferenceCountUtil.release(msg);
        if (length == bytes.length) {
            finish();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!done) {
            ctx.read(); // auto-read is off: ask for the next chunk
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(); // the server closed (or the engine did)
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        finish(); // a reset after the handshake: still connected, with what arrived before it
    }

    /** The banner wait is over. */
    @Override
    public void run() {
        finish();
    }

    private void finish() {
        if (done) {
            return;
        }
        done = true;
        if (timer != null) {
            timer.cancel(false);
        }
        attempt.closeAndComplete(new TcpConnected(rtt, target, synRetransmits, printable(bytes, length)));
    }

    /** The bytes as one line of text: UTF-8, with control characters and the backslash escaped ({@code \r}, {@code \n}, {@code \xHH}, {@code \\}). */
    static String printable(byte[] b, int len) {
        String s = new String(b, 0, len, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
