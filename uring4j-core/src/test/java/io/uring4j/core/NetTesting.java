package io.uring4j.core;

import io.uring4j.core.internal.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real loopback sockets, pipes and raw registrations for the network conformance tests. Every
 * fd it makes is closed by {@link #close()}; every wait is bounded. Open it before the ring in a
 * try-with-resources, so the ring (and its in-flight requests) goes first.
 */
final class NetTesting implements AutoCloseable {
    static final InetAddress V4 = InetAddress.getLoopbackAddress();
    static final InetAddress V6;

    static {
        try {
            V6 = InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Arena arena = Arena.ofConfined();
    private final List<Integer> fds = new ArrayList<>();

    /** Skips the test when the kernel lacks {@code op}. */
    static void requires(IoUring ring, Opcode op) {
        OpTesting.requires(op);
    }

    // ---- fds ----

    int track(int fdOrError, String what) {
        assertTrue(fdOrError >= 0, what + ": " + Errno.describe(fdOrError));
        fds.add(fdOrError);
        return fdOrError;
    }

    void closeNow(int fd) {
        if (fds.remove(Integer.valueOf(fd))) {
            Posix.close(fd);
        }
    }

    int tcpSocket(InetAddress ip) {
        return track(Posix.socket(family(ip), SocketConstants.SOCK_STREAM | SocketConstants.SOCK_CLOEXEC, 0), "socket");
    }

    static int family(InetAddress ip) {
        return ip instanceof java.net.Inet6Address ? SocketConstants.AF_INET6 : SocketConstants.AF_INET;
    }

    /** A listening TCP socket on {@code ip}, port chosen by the kernel. */
    int tcpListener(InetAddress ip, int backlog) {
        int fd = tcpSocket(ip);
        MemorySegment addr = SocketAddresses.allocate(arena, new InetSocketAddress(ip, 0));
        assertEquals(0, Posix.bind(fd, addr, (int) addr.byteSize()), "bind");
        assertEquals(0, Posix.listen(fd, backlog), "listen");
        return fd;
    }

    InetSocketAddress localAddress(int fd) {
        MemorySegment addr = SocketAddresses.allocateStorage(arena);
        MemorySegment len = SocketAddresses.allocateLength(arena, SocketAddresses.SOCKADDR_STORAGE_BYTES);
        assertEquals(0, Posix.getsockname(fd, addr, len), "getsockname");
        return SocketAddresses.readInet(addr, len.get(JAVA_INT, 0));
    }

    /** A blocking connect to a loopback listener (completes at once: the kernel queues it). */
    int connect(InetSocketAddress to) {
        int fd = tcpSocket(to.getAddress());
        MemorySegment addr = SocketAddresses.allocate(arena, to);
        assertEquals(0, Posix.connect(fd, addr, (int) addr.byteSize()), "connect to " + to);
        return fd;
    }

    /** {client, server} of one loopback TCP connection. */
    int[] tcpPair(InetAddress ip) {
        int listener = tcpListener(ip, 4);
        int client = connect(localAddress(listener));
        int server = track(Posix.accept(listener, MemorySegment.NULL, MemorySegment.NULL, SocketConstants.SOCK_CLOEXEC), "accept");
        closeNow(listener);
        return new int[] {client, server};
    }

    int udpSocket(InetAddress ip) {
        int fd = track(Posix.socket(family(ip), SocketConstants.SOCK_DGRAM | SocketConstants.SOCK_CLOEXEC, 0), "udp socket");
        MemorySegment addr = SocketAddresses.allocate(arena, new InetSocketAddress(ip, 0));
        assertEquals(0, Posix.bind(fd, addr, (int) addr.byteSize()), "bind udp");
        return fd;
    }

    /** {read end, write end}, non-blocking so a test can never hang on them. */
    int[] pipe() {
        int[] p = new int[2];
        assertEquals(0, Posix.pipe(p, FsOps.O_NONBLOCK | FsOps.O_CLOEXEC), "pipe");
        track(p[0], "pipe");
        track(p[1], "pipe");
        return p;
    }

    // ---- data ----

    MemorySegment bytes(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment seg = arena.allocate(b.length);
        MemorySegment.copy(b, 0, seg, JAVA_BYTE, 0, b.length);
        return seg;
    }

    /** {@code n} bytes of a recognisable pattern starting at {@code seed}. */
    MemorySegment pattern(int n, int seed) {
        MemorySegment seg = arena.allocate(n, 4096);
        for (int i = 0; i < n; i++) {
            seg.set(JAVA_BYTE, i, (byte) (seed + i * 7));
        }
        return seg;
    }

    static String text(MemorySegment seg, long n) {
        return new String(seg.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** Reads exactly {@code n} bytes from a socket or pipe without ever blocking for long. */
    byte[] readExactly(int fd, int n) {
        MemorySegment buf = arena.allocate(Math.max(n, 1));
        int got = 0;
        long deadline = System.nanoTime() + OpTesting.WAIT.toNanos();
        while (got < n) {
            long r = Posix.read(fd, buf.asSlice(got), n - got);
            if (r == -Errno.EAGAIN.code()) {
                if (System.nanoTime() > deadline) fail("only " + got + " of " + n + " bytes arrived within " + OpTesting.WAIT);
                Thread.onSpinWait();
                continue;
            }
            assertTrue(r > 0, "read: " + (r == 0 ? "EOF" : Errno.describe((int) r)) + " after " + got + " of " + n + " bytes");
            got += (int) r;
        }
        return buf.asSlice(0, n).toArray(JAVA_BYTE);
    }

    /** Reads what the peer sent, non-blocking: for sockets (MSG_DONTWAIT) with a deadline. */
    byte[] recvExactly(int fd, int n) {
        MemorySegment buf = arena.allocate(Math.max(n, 1));
        int got = 0;
        long deadline = System.nanoTime() + OpTesting.WAIT.toNanos();
        while (got < n) {
            long r = Posix.recv(fd, buf.asSlice(got), n - got, SocketConstants.MSG_DONTWAIT);
            if (r == -Errno.EAGAIN.code()) {
                if (System.nanoTime() > deadline) fail("only " + got + " of " + n + " bytes arrived within " + OpTesting.WAIT);
                Thread.onSpinWait();
                continue;
            }
            assertTrue(r > 0, "recv: " + (r == 0 ? "EOF" : Errno.describe((int) r)) + " after " + got + " of " + n + " bytes");
            got += (int) r;
        }
        return buf.asSlice(0, n).toArray(JAVA_BYTE);
    }

    void writeAll(int fd, MemorySegment data) {
        long r = Posix.write(fd, data, data.byteSize());
        assertEquals(data.byteSize(), r, "write: " + (r < 0 ? Errno.describe((int) r) : r + " bytes"));
    }

    int getsockoptInt(int fd, int level, int name) {
        MemorySegment v = arena.allocate(JAVA_INT);
        MemorySegment len = SocketAddresses.allocateLength(arena, 4);
        assertEquals(0, Posix.getsockopt(fd, level, name, v, len), "getsockopt " + level + "/" + name);
        assertEquals(4, len.get(JAVA_INT, 0));
        return v.get(JAVA_INT, 0);
    }

    void setsockoptInt(int fd, int level, int name, int value) {
        MemorySegment v = arena.allocate(JAVA_INT);
        v.set(JAVA_INT, 0, value);
        assertEquals(0, Posix.setsockopt(fd, level, name, v, 4), "setsockopt " + level + "/" + name);
    }

    // ---- raw registrations (the typed Registration API is written elsewhere) ----

    /** A sparse registered file table of {@code slots} (REGISTER_FILES2 + RSRC_REGISTER_SPARSE). */
    void registerSparseFiles(IoUring ring, int slots) {
        MemorySegment reg = arena.allocate(32, 8); // struct io_uring_rsrc_register
        reg.set(JAVA_INT, 0, slots);
        reg.set(JAVA_INT, 4, 1); // IORING_RSRC_REGISTER_SPARSE
        ring.registerOrThrow(RegisterOp.REGISTER_FILES2, reg, 32, "sparse file table of " + slots);
    }

    /** A registered file table holding {@code files} in slots 0.. (-1: empty slot). */
    void registerFiles(IoUring ring, int... files) {
        MemorySegment arr = arena.allocate(JAVA_INT, files.length);
        for (int i = 0; i < files.length; i++) arr.setAtIndex(JAVA_INT, i, files[i]);
        ring.registerOrThrow(RegisterOp.REGISTER_FILES, arr, files.length, "file table");
    }

    /** Registers {@code buffers} as fixed buffers 0.. (REGISTER_BUFFERS with an iovec array). */
    void registerBuffers(IoUring ring, MemorySegment... buffers) {
        MemorySegment iov = arena.allocate(16L * buffers.length, 8);
        for (int i = 0; i < buffers.length; i++) {
            iov.set(JAVA_LONG, 16L * i, buffers[i].address());
            iov.set(JAVA_LONG, 16L * i + 8, buffers[i].byteSize());
        }
        ring.registerOrThrow(RegisterOp.REGISTER_BUFFERS, iov, buffers.length, "fixed buffers");
    }

    @Override
    public void close() {
        for (int i = fds.size() - 1; i >= 0; i--) {
            Posix.close(fds.get(i));
        }
        fds.clear();
        arena.close();
    }
}
