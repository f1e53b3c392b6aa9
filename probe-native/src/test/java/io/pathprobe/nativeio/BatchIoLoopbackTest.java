package io.pathprobe.nativeio;

import static io.pathprobe.nativeio.NativeLayout.IOVEC_SIZE;
import static io.pathprobe.nativeio.NativeLayout.MMSGHDR_SIZE;
import static io.pathprobe.nativeio.NativeLayout.MMSG_LEN;
import static io.pathprobe.nativeio.SocketConstants.AF_INET;
import static io.pathprobe.nativeio.SocketConstants.SOCK_CLOEXEC;
import static io.pathprobe.nativeio.SocketConstants.SOCK_DGRAM;
import static io.pathprobe.nativeio.SocketConstants.SOCK_NONBLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pathprobe.nativeio.internal.LibC;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import jnr.ffi.Pointer;

/**
 * sendmmsg/recvmmsg (their address-taking overloads) with hand-laid structures ({@link NativeLayout}), on
 * 127.0.0.1 only: proves the layout that the batch paths build on.
 */
class BatchIoLoopbackTest {
    private static final int BATCH = 3;
    private static final int SLOT = 32;

    @Test
    void sendmmsgAndRecvmmsgMoveABatch() throws Exception {
        LibC libc = NativeIo.libc();
        try (NativeSocket rx = NativeSocket.open(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                NativeSocket tx = NativeSocket.open(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {
            rx.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            tx.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            InetSocketAddress to = rx.localAddress();

            // Send: one destination address, BATCH payloads of different lengths, BATCH iovecs and mmsghdrs.
            int addrOff = 0;
            int iovOff = 64;
            int msgOff = iovOff + BATCH * IOVEC_SIZE;
            int dataOff = msgOff + BATCH * MMSGHDR_SIZE;
            Pointer out = NativeIo.allocate(dataOff + BATCH * SLOT);
            long base = out.address();
            int addrLen = SockAddr.encode(to, AF_INET, out, addrOff);
            for (int i = 0; i < BATCH; i++) {
                int len = i + 1;
                for (int b = 0; b < len; b++) {
                    out.putByte(dataOff + i * SLOT + b, (byte) (10 * i + b));
                }
                NativeLayout.putIovec(out, iovOff + i * IOVEC_SIZE, base + dataOff + i * SLOT, len);
                NativeLayout.putMsghdr(out, msgOff + i * MMSGHDR_SIZE, base + addrOff, addrLen,
                        base + iovOff + i * IOVEC_SIZE, 1, 0, 0);
            }
            assertEquals(BATCH, libc.sendmmsg(tx.fd(), base + msgOff, BATCH, 0), "errno " + NativeIo.lastErrno());
            for (int i = 0; i < BATCH; i++) {
                assertEquals(i + 1, out.getInt(msgOff + i * MMSGHDR_SIZE + MMSG_LEN), "msg_len of message " + i);
            }

            // Receive the batch: each message gets its own sender address slot and data slot.
            int nameOff = 0;
            int rIovOff = BATCH * NativeLayout.SOCKADDR_STORAGE_SIZE;
            int rMsgOff = rIovOff + BATCH * IOVEC_SIZE;
            int rDataOff = rMsgOff + BATCH * MMSGHDR_SIZE;
            Pointer in = NativeIo.allocate(rDataOff + BATCH * SLOT);
            long rBase = in.address();
            for (int i = 0; i < BATCH; i++) {
                NativeLayout.putIovec(in, rIovOff + i * IOVEC_SIZE, rBase + rDataOff + i * SLOT, SLOT);
                NativeLayout.putMsghdr(in, rMsgOff + i * MMSGHDR_SIZE,
                        rBase + nameOff + i * NativeLayout.SOCKADDR_STORAGE_SIZE, NativeLayout.SOCKADDR_STORAGE_SIZE,
                        rBase + rIovOff + i * IOVEC_SIZE, 1, 0, 0);
            }
            int revents = NativeSocket.poll(rx.fd(), SocketConstants.POLLIN, 2000);
            assertTrue((revents & SocketConstants.POLLIN) != 0, "loopback datagrams should arrive within 2 s");
            int got = 0;
            long deadline = System.nanoTime() + 2_000_000_000L;
            // Loopback delivers all three before poll returns in practice; loop (bounded) in case they trickle in.
            while (got < BATCH && System.nanoTime() < deadline) {
                // The address form (5 primitive arguments) on purpose: it must reach libc intact too.
                int n = libc.recvmmsg(rx.fd(), rBase + rMsgOff + (long) got * MMSGHDR_SIZE, BATCH - got,
                        SocketConstants.MSG_DONTWAIT, 0L);
                if (n < 0) {
                    assertEquals(SocketConstants.EAGAIN, NativeIo.lastErrno());
                    NativeSocket.poll(rx.fd(), SocketConstants.POLLIN, 10);
                } else {
                    got += n;
                }
            }
            assertEquals(BATCH, got);
            InetSocketAddress from = tx.localAddress();
            for (int i = 0; i < BATCH; i++) {
                int msg = rMsgOff + i * MMSGHDR_SIZE;
                assertEquals(i + 1, in.getInt(msg + MMSG_LEN));
                for (int b = 0; b <= i; b++) {
                    assertEquals((byte) (10 * i + b), in.getByte(rDataOff + i * SLOT + b));
                }
                int nameLen = in.getInt(msg + NativeLayout.MSG_NAMELEN);
                assertEquals(SockAddr.IPV4_SIZE, nameLen);
                assertEquals(from, SockAddr.decode(in, nameOff + (long) i * NativeLayout.SOCKADDR_STORAGE_SIZE,
                        nameLen));
            }
        }
    }
}
