package io.pathprobe.nativeio;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pathprobe.nativeio.SocketConstants.AF_INET;
import static io.pathprobe.nativeio.SocketConstants.SOCK_CLOEXEC;
import static io.pathprobe.nativeio.SocketConstants.SOCK_DGRAM;
import static io.pathprobe.nativeio.SocketConstants.SOCK_NONBLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lanes stop reading after a bounded batch and count on being called again for what is left: the registration
 * must be level-triggered. Real UDP sockets on 127.0.0.1; no privileges.
 */
@Timeout(120)
class EpollSocketLoopbackTest {
    private static final int DGRAM = SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
    private static final int DATAGRAMS = 200;

    @BeforeAll
    static void nativeLayerLoads() {
        assertTrue(NativeIo.support().supported(), NativeIo.support().message());
        assertTrue(Epoll.isAvailable(), () -> "Netty's epoll transport: " + Epoll.unavailabilityCause());
    }

    @Test
    void aHandlerThatReadsOneDatagramACallIsCalledAgainUntilAllAreRead() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        NativeSocket receiver = NativeSocket.open(AF_INET, DGRAM, 0);
        try (NativeSocket sender = NativeSocket.open(AF_INET, DGRAM, 0)) {
            receiver.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            InetSocketAddress to = receiver.localAddress();
            byte[] datagram = new byte[16];
            // All queued before the registration: nothing new arrives afterwards, so an edge-triggered registration
            // would report readiness once and leave DATAGRAMS - 1 unread.
            for (int i = 0; i < DATAGRAMS; i++) {
                assertEquals(datagram.length, sender.sendTo(datagram, 0, datagram.length, to));
            }
            AtomicInteger read = new AtomicInteger();
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(1);
            EpollSocket handle = new EpollSocket(receiver) {
                private final ByteBuffer buffer = ByteBuffer.allocateDirect(64);

                @Override
                protected void readable() {
                    calls.incrementAndGet();
                    try {
                        buffer.clear();
                        if (socket.receive(buffer, 0) >= 0 && read.incrementAndGet() == DATAGRAMS) {
                            all.countDown();
                        }
                    } catch (NativeIoException e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                protected void errorQueued() {
                }
            };
            handle.register((IoEventLoop) group.next());
            // The bound is only how long to wait before calling it a failure; a lost readiness never ends.
            assertTrue(all.await(60, TimeUnit.SECONDS),
                    "read " + read.get() + " of " + DATAGRAMS + " in " + calls.get() + " calls");
            group.submit(handle::close).get();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            if (receiver.isOpen()) {
                receiver.close();
            }
        }
    }
}
