package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

import static io.uring4j.core.CmdOps.*;
import static io.uring4j.core.NetTesting.*;
import static io.uring4j.core.OpTesting.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Socket commands through URING_CMD equal the system calls they replace, inline and with
 * IOSQE_ASYNC, and never hang.
 */
@Timeout(30)
class SocketCmdTest {

    /** Runs one socket command and returns its CQE result. */
    private static int cmd(IoUring ring, boolean async, int op, int fd, int level, int name, MemorySegment val, int len) {
        maybeAsync(ring.getSqe().prepCmdSock(op, fd, level, name, val, len).userData(op), async);
        Completion c = submitOne(ring);
        assertEquals(op, c.userData());
        return c.res();
    }

    private static void assumeSocketCommands(int probeResult) {
        assumeTrue(probeResult != -Errno.EOPNOTSUPP.code(), "socket uring_cmd needs kernel 6.7");
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.URING_CMD)
    void getsockoptEqualsTheSyscall(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.URING_CMD);
            int[] pair = net.tcpPair(V4);
            int fd = pair[1];
            net.setsockoptInt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR, 1);
            net.setsockoptInt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEPORT, 1);
            MemorySegment val = net.arena.allocate(JAVA_INT);
            for (int name : new int[] {SocketConstants.SO_REUSEADDR, SocketConstants.SO_RCVBUF, SocketConstants.SO_REUSEPORT, SocketConstants.SO_SNDBUF}) {
                val.set(JAVA_INT, 0, -12345);
                int res = cmd(ring, async, SOCKET_URING_OP_GETSOCKOPT, fd, SocketConstants.SOL_SOCKET, name, val, 4);
                assumeSocketCommands(res);
                assertEquals(4, res, "the result is the new optlen for option " + name);
                assertEquals(net.getsockoptInt(fd, SocketConstants.SOL_SOCKET, name), val.get(JAVA_INT, 0), "option " + name);
            }
            // GETSOCKOPT is documented for SOL_SOCKET only; if a kernel allows more, it must agree
            net.setsockoptInt(fd, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_USER_TIMEOUT, 4321);
            int res = cmd(ring, async, SOCKET_URING_OP_GETSOCKOPT, fd, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_USER_TIMEOUT, val, 4);
            if (res >= 0) {
                assertEquals(4321, val.get(JAVA_INT, 0));
            } else {
                assertEquals(-Errno.EOPNOTSUPP.code(), res, Errno.describe(res));
            }
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.URING_CMD)
    void setsockoptIsSeenByTheSyscall(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.URING_CMD);
            int[] pair = net.tcpPair(V4);
            int fd = pair[1], reference = pair[0];
            MemorySegment val = net.arena.allocate(JAVA_INT);
            for (int v : new int[] {1, 0}) {
                for (int name : new int[] {SocketConstants.SO_REUSEADDR, SocketConstants.SO_REUSEPORT}) {
                    val.set(JAVA_INT, 0, v);
                    int res = cmd(ring, async, SOCKET_URING_OP_SETSOCKOPT, fd, SocketConstants.SOL_SOCKET, name, val, 4);
                    assumeSocketCommands(res);
                    assertEquals(0, res, Errno.describe(res));
                    assertEquals(v, net.getsockoptInt(fd, SocketConstants.SOL_SOCKET, name), "option " + name + " = " + v);
                }
            }
            for (int ms = 1; ms <= 3; ms++) {
                val.set(JAVA_INT, 0, ms * 1000);
                assertEquals(0, cmd(ring, async, SOCKET_URING_OP_SETSOCKOPT, fd, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_USER_TIMEOUT, val, 4));
                assertEquals(ms * 1000, net.getsockoptInt(fd, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_USER_TIMEOUT));
            }
            // SO_RCVBUF is adjusted by the kernel (doubled, clamped): both paths must adjust alike
            val.set(JAVA_INT, 0, 65536);
            assertEquals(0, cmd(ring, async, SOCKET_URING_OP_SETSOCKOPT, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF, val, 4));
            net.setsockoptInt(reference, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF, 65536);
            assertEquals(net.getsockoptInt(reference, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF),
                    net.getsockoptInt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF));
        }
    }

    /** A getsockopt under a link timeout completes one way or the other in time. */
    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.URING_CMD, Opcode.LINK_TIMEOUT})
    void getsockoptUnderLinkTimeoutCompletesInTime(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.URING_CMD);
            int[] pair = net.tcpPair(V6);
            MemorySegment val = net.arena.allocate(JAVA_INT);
            MemorySegment ts = KernelTimespec.allocate(net.arena, Duration.ofSeconds(1));
            maybeAsync(ring.getSqe().prepCmdSock(SOCKET_URING_OP_GETSOCKOPT, pair[0], SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF, val, 4)
                    .userData(1), async).flag(SqeFlag.IO_LINK);
            ring.getSqe().prepLinkTimeout(ts, 0).userData(2);
            long start = System.nanoTime();
            List<Completion> cs = submitAndAwait(ring, 2);
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "bounded by the timeout");
            Completion get = byUserData(cs, 1), timeout = byUserData(cs, 2);
            assumeSocketCommands(get.res());
            if (get.res() == 4) {
                assertEquals(-Errno.ECANCELED.code(), timeout.res(), "the finished getsockopt disarms its timeout");
                assertEquals(net.getsockoptInt(pair[0], SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF), val.get(JAVA_INT, 0));
            } else {
                assertEquals(-Errno.ECANCELED.code(), get.res(), cs.toString());
                assertEquals(-Errno.ETIME.code(), timeout.res(), cs.toString());
            }
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.URING_CMD)
    void siocinqAndSiocoutqEqualIoctl(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.URING_CMD);
            int[] pair = net.tcpPair(V4);
            int client = pair[0], server = pair[1];
            // fill the connection until the sender's queue backs up: both counters become non-zero
            MemorySegment chunk = net.pattern(65536, 1);
            long sent = 0;
            for (int i = 0; i < 4096; i++) {
                long r = Posix.send(client, chunk, chunk.byteSize(), SocketConstants.MSG_DONTWAIT);
                if (r == -Errno.EAGAIN.code()) break;
                assertTrue(r > 0, Errno.describe((int) r));
                sent += r;
            }
            assertTrue(sent > 0);
            MemorySegment n = net.arena.allocate(JAVA_INT);
            assertEquals(0, Posix.ioctl(server, Posix.SIOCINQ, n));
            int inq = n.get(JAVA_INT, 0);
            assertEquals(0, Posix.ioctl(client, Posix.SIOCOUTQ, n));
            int outq = n.get(JAVA_INT, 0);
            assertTrue(inq > 0 && outq > 0, "inq " + inq + ", outq " + outq);

            int ringInq = cmd(ring, async, SOCKET_URING_OP_SIOCINQ, server, 0, 0, MemorySegment.NULL, 0);
            assumeSocketCommands(ringInq);
            assertEquals(inq, ringInq, "SIOCINQ");
            assertEquals(outq, cmd(ring, async, SOCKET_URING_OP_SIOCOUTQ, client, 0, 0, MemorySegment.NULL, 0), "SIOCOUTQ");
            // the generic helper writes the same command
            maybeAsync(ring.getSqe().prepUringCmd(SOCKET_URING_OP_SIOCINQ, server).userData(9), async);
            assertEquals(inq, submitOne(ring).res());

            // a listening socket has no queue to measure
            int listener = net.tcpListener(V4, 1);
            assertEquals(-Errno.EINVAL.code(), cmd(ring, async, SOCKET_URING_OP_SIOCINQ, listener, 0, 0, MemorySegment.NULL, 0));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.URING_CMD)
    void uringCmdOnAFileWithoutCommandsFails(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.URING_CMD);
            int[] pipe = net.pipe();
            maybeAsync(ring.getSqe().prepUringCmd(0, pipe[0]).userData(1), async);
            assertEquals(-Errno.EOPNOTSUPP.code(), submitOne(ring).res(), "a pipe has no uring_cmd handler");
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.URING_CMD)
    void getsocknameCommandWhereSupported(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.URING_CMD);
            int[] pair = net.tcpPair(V6);
            MemorySegment addr = SocketAddresses.allocateStorage(net.arena);
            MemorySegment len = SocketAddresses.allocateLength(net.arena, SocketAddresses.SOCKADDR_STORAGE_BYTES);
            maybeAsync(ring.getSqe().prepCmdGetsockname(pair[0], addr, len, true).userData(1), async);
            int res = submitOne(ring).res();
            assumeTrue(res != -Errno.EINVAL.code() && res != -Errno.EOPNOTSUPP.code(),
                    "SOCKET_URING_OP_GETSOCKNAME needs kernel 6.19, this one says " + Errno.describe(res));
            assertEquals(0, res);
            assertEquals(net.localAddress(pair[1]), SocketAddresses.readInet(addr, len.get(JAVA_INT, 0)), "the peer's name");
        }
    }

    @Test
    @Covers(Opcode.URING_CMD128)
    void uringCmd128NeedsA128ByteSqe() {
        try (IoUring plain = IoUring.open(2); IoUring big = IoUring.open(2, SetupFlag.SQE128)) {
            assertThrows(IllegalArgumentException.class, () -> plain.getSqe().prepUringCmd128(0, 3));
            requires(big, Opcode.URING_CMD128);
            big.getSqe().prepUringCmd128(0, 0).userData(1);
            int res = submitOne(big).res();
            assertTrue(res < 0, "stdin is no uring_cmd target: " + Errno.describe(res));
        }
    }

    @Test
    void argumentsAreChecked() {
        try (IoUring ring = IoUring.open(2); Arena a = Arena.ofConfined()) {
            Sqe sqe = ring.getSqe();
            var e = assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepCmdSock(SOCKET_URING_OP_GETSOCKOPT, 3, 1, 8, a.allocate(4), 8));
            assertTrue(e.getMessage().contains("0..4") && e.getMessage().contains("8"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepCmdSock(SOCKET_URING_OP_GETSOCKOPT, 3, 1, 8, MemorySegment.ofArray(new int[1]), 4));
            MemorySegment tooMuch = SocketAddresses.allocateLength(a, 200);
            assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepCmdGetsockname(3, SocketAddresses.allocateStorage(a), tooMuch, false));
        }
    }
}
