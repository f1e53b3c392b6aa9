package io.pathprobe.agent;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.pathprobe.agent.internal.AgentHandler;
import io.pathprobe.agent.internal.AgentService;
import io.pathprobe.agent.prometheus.PrometheusEndpoints;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * {@code pathprobe agent}: an HTTP/1.1 server (optionally TLS, optionally mutual TLS) on Netty that runs capture
 * plans for coordinators behind authentication, a default-deny target policy and quotas. Start with
 * {@link #start(AgentServerConfig)}; {@link #close()} cancels running captures and stops listening.
 */
public final class AgentServer implements AutoCloseable {
    /** Request headers beyond this are refused (431/400): nothing a coordinator sends comes near it. */
    private static final int MAX_HEADER_BYTES = 8192;
    private static final int IDLE_SECONDS = 60;

    private final AgentService service;
    private final EventLoopGroup group;
    private final ExecutorService blocking;
    private final Channel channel;
    private final PrometheusEndpoints prometheus;

    private AgentServer(AgentService service, EventLoopGroup group, ExecutorService blocking, Channel channel,
                        PrometheusEndpoints prometheus) {
        this.service = service;
        this.prometheus = prometheus;
        this.group = group;
        this.blocking = blocking;
        this.channel = channel;
    }

    /**
     * Starts listening.
     *
     * @throws IOException when the address cannot be bound
     * @throws IllegalArgumentException when the TLS files cannot be read
     */
    public static AgentServer start(AgentServerConfig config) throws IOException {
        SslContext ssl = tls(config);
        AgentService service = new AgentService(config);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ExecutorService blocking = new ThreadPoolExecutor(1, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256),
                r -> {
                    Thread t = new Thread(r, "agent-request");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        PrometheusEndpoints prometheus;
        try {
            prometheus = PrometheusEndpoints.start(config, config.prometheus(), service::running, blocking);
        } catch (RuntimeException e) {
            blocking.shutdownNow();
            service.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        int maxBody = (int) Math.min(Integer.MAX_VALUE, config.quotas().requestBodyBytes());
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS) {
                            @Override
                            protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
                                ctx.close(); // a slow or silent client does not hold a connection
                            }
                        });
                        ch.pipeline().addLast(new HttpServerCodec(4096, MAX_HEADER_BYTES, 8192));
                        ch.pipeline().addLast(new BodyLimit(maxBody));
                        ch.pipeline().addLast(new AgentHandler(service, blocking, prometheus));
                    }
                });
        try {
            Channel ch = b.bind(config.listen()).sync().channel();
            return new AgentServer(service, group, blocking, ch, prometheus);
        } catch (Exception e) {
            prometheus.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            blocking.shutdownNow();
            service.close();
            throw new IOException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
        }
    }

    private static SslContext tls(AgentServerConfig c) {
        if (c.tlsCert() == null) {
            return null;
        }
        try {
            SslContextBuilder b = SslContextBuilder.forServer(c.tlsCert().toFile(), c.tlsKey().toFile());
            if (c.clientCa() != null) {
                b.trustManager(c.clientCa().toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up TLS from " + c.tlsCert() + " and " + c.tlsKey()
                    + ": " + e.getMessage() + " (a PEM certificate and an unencrypted PKCS#8 PEM key)", e);
        }
    }

    /** The address listened on (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Captures running now. */
    public long runningCaptures() {
        return service.running();
    }

    /**
     * Reads the configuration file again for the Prometheus endpoints (modules, continuous probes); running
     * captures go on. Same as {@code POST /-/reload}.
     *
     * @return one line saying what is configured now
     * @throws IllegalArgumentException when the file is wrong (the running configuration is kept)
     * @throws UnsupportedOperationException when there is no configuration file
     */
    public String reload() {
        return prometheus.reload();
    }

    @Override
    public void close() {
        prometheus.close();
        service.close();
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        blocking.shutdownNow();
    }

    /** The aggregator with a JSON 413 for bodies over the limit. */
    private static final class BodyLimit extends HttpObjectAggregator {
        BodyLimit(int max) {
            super(max);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            // Closing at once, with the body still arriving, would make the kernel reset the connection and the
            // client could lose the answer: the aggregator discards the rest while the 413 goes out, and the
            // connection closes shortly after.
            ctx.writeAndFlush(AgentHandler.tooLarge(maxContentLength())).addListener(f ->
                    ctx.executor().schedule(() -> ctx.close(), 2, TimeUnit.SECONDS));
        }
    }
}
