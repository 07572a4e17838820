package io.uring4j.core;

import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.uring4j.core.OpTesting.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9, item 1: a read-only segment is refused, by name, wherever the kernel writes into it
 * (read targets, recv buffers, struct outputs), accepted where the kernel only reads, and the
 * same targets still work when writable.
 */
@Timeout(30)
class ReadOnlyTargetTest {
    @TempDir
    Path dir;

    @Test
    void everyHelperWhoseKernelSideWritesRefusesAReadOnlySegmentNamingIt() {
        try (Arena arena = Arena.ofConfined()) {
            Sqe sqe = new Sqe(arena.allocate(64, 8), 0, 64);
            MemorySegment ro = arena.allocate(4096, 4096).asReadOnly();
            MemorySegment rw = arena.allocate(4096, 4096);
            MemorySegment path = arena.allocateFrom("/tmp"), name = arena.allocateFrom("user.x");
            MemorySegment len = SocketAddresses.allocateLength(arena, 16);
            Map<String, Executable> writes = new LinkedHashMap<>();
            writes.put("prepRead buffer", () -> sqe.prepRead(3, ro, 0));
            writes.put("prepRead buffer ", () -> sqe.prepRead(3, ro, 16, 0));
            writes.put("prepRead buffer  ", () -> sqe.prepRead(3, ro, 8, 8, 0));
            writes.put("prepReadFixed buffer", () -> sqe.prepReadFixed(3, ro, 0, 0));
            writes.put("prepRecv buffer", () -> sqe.prepRecv(3, ro, 0));
            writes.put("prepRecv buffer ", () -> sqe.prepRecv(3, ro, 4, 4, 0));
            writes.put("prepRecvMultishot: prepRecv buffer", () -> sqe.prepRecvMultishot(3, ro, 16, 0));
            writes.put("prepRecvmsg msghdr", () -> sqe.prepRecvmsg(3, arena.allocate(Msghdr.LAYOUT).asReadOnly(), 0));
            writes.put("prepStatx struct statx", () -> sqe.prepStatx(FsOps.AT_FDCWD, path, 0, 0, ro));
            writes.put("prepFgetxattr value", () -> sqe.prepFgetxattr(3, name, ro, 16));
            writes.put("prepGetxattr value", () -> sqe.prepGetxattr(name, ro, path, 16));
            writes.put("prepAccept addr", () -> sqe.prepAccept(3, ro.asSlice(0, 16), len, 0));
            writes.put("prepAccept addrLen (socklen_t)", () -> sqe.prepAccept(3, rw.asSlice(0, 16), len.asReadOnly(), 0));
            writes.put("prepMultishotAccept: prepAccept addr", () -> sqe.prepMultishotAccept(3, ro.asSlice(0, 16), len, 0));
            writes.put("prepCmdGetsockname sockaddr", () -> sqe.prepCmdGetsockname(3, ro.asSlice(0, 16), len, false));
            writes.put("prepCmdGetsockname sockaddrLen (socklen_t)", () -> sqe.prepCmdGetsockname(3, rw.asSlice(0, 16), len.asReadOnly(), false));
            writes.put("prepCmdSock optval", () -> sqe.prepCmdSock(CmdOps.SOCKET_URING_OP_GETSOCKOPT, 3, 1, 8, ro, 4));
            writes.put("prepWaitid siginfo", () -> sqe.prepWaitid(MiscOps.P_ALL, 0, ro, MiscOps.WEXITED, 0));
            writes.put("prepPipe fds (int[2])", () -> sqe.prepPipe(ro, 0));
            writes.put("prepFilesUpdateAlloc fds", () -> sqe.prepFilesUpdateAlloc(ro, 2));
            writes.put("prepEpollWait events", () -> sqe.prepEpollWait(3, ro, 4, 0));
            writes.put("prepProvideBuffers memory", () -> sqe.prepProvideBuffers(ro, 512, 2, 1, 0));
            writes.put("prepMadvise region (advice 4 may discard its contents)", () -> sqe.prepMadvise(ro, 4096, SyncOps.MADV_DONTNEED));
            writes.forEach((what, call) -> {
                var e = assertThrows(IllegalArgumentException.class, call, what);
                String argument = what.contains(": ") ? what.substring(what.indexOf(": ") + 2) : what;
                assertEquals(argument.strip() + " must be writable (the kernel writes into it), given a read-only segment",
                        e.getMessage(), what);
            });
            // the kernel only reads these: read-only is fine
            sqe.prepWrite(3, ro, 0);
            sqe.prepWrite(3, ro, 8, 8, 0);
            sqe.prepWriteFixed(3, ro, 0, 0);
            sqe.prepSend(3, ro, 0);
            sqe.prepSend(3, ro, 8, 8, 0);
            sqe.prepSendZc(3, ro, 16, 0, 0);
            sqe.prepCmdSock(CmdOps.SOCKET_URING_OP_SETSOCKOPT, 3, 1, 8, ro, 4);
            sqe.prepFsetxattr(3, name, ro, 0, 16);
            sqe.prepFilesUpdate(ro, 2, 0);
            sqe.prepMadvise(ro, 4096, SyncOps.MADV_WILLNEED);
            sqe.prepConnect(3, ro.asSlice(0, 16), 16);
            sqe.prepTimeout(KernelTimespec.allocate(arena, java.time.Duration.ofSeconds(1)).asReadOnly(), 0, 0);
        }
    }

    @Test
    void bufferRingEntriesMustBeWritable() {
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined();
             BufferRing br = BufferRing.register(ring, 8, 5)) {
            MemorySegment ro = arena.allocate(64).asReadOnly();
            var e = assertThrows(IllegalArgumentException.class, () -> br.add(ro, 0, 0));
            assertEquals("buffer ring entry must be writable (the kernel writes into it), given a read-only segment", e.getMessage());
            br.add(arena.allocate(64), 0, 0);
        }
    }

    /**
     * An iovec array serves readv and writev: read-only buffers are fine for writev (and sendmsg)
     * and refused by readv (and recvmsg), both checked here against the kernel.
     */
    @Test
    void iovecArraysWithReadOnlyBuffersWriteButDoNotRead() throws Exception {
        Path file = dir.resolve("vectored");
        Files.writeString(file, "abcdefgh");
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined();
             Fd fd = Fd.open(file, FsOps.O_RDWR)) {
            MemorySegment a = arena.allocate(4), b = arena.allocate(4);
            a.copyFrom(MemorySegment.ofArray("WXYZ".getBytes(StandardCharsets.US_ASCII)));
            MemorySegment iov = Iovecs.allocate(arena, 2);
            Iovecs.set(iov, 0, a.asReadOnly());
            Iovecs.set(iov, 1, b);
            ring.getSqe().prepWritev(fd.fd(), iov, 2, 0).userData(1);
            assertEquals(8, expect(ring, 8).res(), "writev reads a read-only buffer");

            Sqe detached = new Sqe(arena.allocate(64, 8), 0, 64); // refusals leave no SQE in the ring
            for (Executable readv : List.<Executable>of(
                    () -> detached.prepReadv(fd.fd(), iov, 2, 0),
                    () -> detached.prepReadv2(fd.fd(), iov, 2, 0, 0),
                    () -> detached.prepReadv(fd.fd(), iov, 1, 0),
                    () -> detached.prepReadvFixed(fd.fd(), iov, 2, 0, 0, 0))) {
                var e = assertThrows(IllegalArgumentException.class, readv);
                assertTrue(e.getMessage().endsWith("iovecs: iovec 0 buffer must be writable (the kernel writes into it), given a read-only segment"),
                        e.getMessage());
            }
            // only the entries handed to the kernel count
            MemorySegment tail = iov.asSlice(Iovecs.BYTES);
            ring.getSqe().prepReadv(fd.fd(), tail, 1, 4).userData(2);
            assertEquals(4, expect(ring, 4).res());
            // the entry overwritten with a writable buffer loses its mark, and readv works
            Iovecs.set(iov, 0, a);
            b.fill((byte) 0);
            ring.getSqe().prepReadv(fd.fd(), iov, 2, 0).userData(3);
            assertEquals(8, expect(ring, 8).res());
            assertEquals("WXYZ", new String(a.toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
            // a field rewritten by other means no longer holds the marked pointer: not refused
            Iovecs.set(iov, 0, a.asReadOnly());
            iov.set(JAVA_LONG, 0, arena.allocate(4).address());
            detached.prepReadv(fd.fd(), iov, 2, 0);
        }
    }

    @Test
    void recvmsgRefusesReadOnlyNameControlAndIovecBuffersSendmsgTakesThem() {
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            int[] pair = new int[2];
            assertEquals(0, Posix.socketpair(SocketConstants.AF_UNIX, SocketConstants.SOCK_DGRAM | SocketConstants.SOCK_CLOEXEC, 0, pair));
            try {
                MemorySegment data = arena.allocateFrom("datagram");
                MemorySegment send = Msghdr.allocate(arena, MemorySegment.NULL, MemorySegment.NULL, data.asReadOnly());
                ring.getSqe().prepSendmsg(pair[0], send.asReadOnly(), 0).userData(1);
                assertEquals(9, expect(ring, 9).res(), "sendmsg reads read-only buffers through a read-only header");

                MemorySegment in = arena.allocate(32);
                MemorySegment name = arena.allocate(16), control = arena.allocate(64);
                Map<String, MemorySegment> refused = new LinkedHashMap<>();
                refused.put("iovec 0 buffer", Msghdr.allocate(arena, MemorySegment.NULL, MemorySegment.NULL, in.asReadOnly()));
                refused.put("msg_name", Msghdr.allocate(arena, name.asReadOnly(), MemorySegment.NULL, in));
                refused.put("msg_control", Msghdr.allocate(arena, MemorySegment.NULL, control.asReadOnly(), in));
                MemorySegment iov = Iovecs.allocate(arena, in, in.asReadOnly());
                MemorySegment byIovecs = Msghdr.allocate(arena, MemorySegment.NULL, MemorySegment.NULL);
                Msghdr.setIov(byIovecs, iov, 2);
                refused.put("iovec 1 buffer", byIovecs);
                Sqe detached = new Sqe(arena.allocate(64, 8), 0, 64);
                refused.forEach((what, msg) -> {
                    var e = assertThrows(IllegalArgumentException.class, () -> detached.prepRecvmsg(pair[1], msg, 0), what);
                    assertEquals("prepRecvmsg msghdr: " + what + " must be writable (the kernel writes into it), given a read-only segment",
                            e.getMessage());
                });
                // multishot recvmsg writes into provided buffers only: its header's pointers do not matter
                detached.prepRecvmsgMultishot(pair[1], refused.get("msg_name"), 0);

                MemorySegment ok = Msghdr.allocate(arena, name, MemorySegment.NULL, in);
                ring.getSqe().prepRecvmsg(pair[1], ok, 0).userData(2);
                assertEquals(9, expect(ring, 9).res());
                assertEquals("datagram", in.getString(0));
            } finally {
                Posix.close(pair[0]);
                Posix.close(pair[1]);
            }
        }
    }

    @Test
    void readTargetsStillWorkWhenWritable() throws Exception {
        Path file = dir.resolve("plain");
        Files.writeString(file, "plain read");
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(file, FsOps.O_RDONLY)) {
            MemorySegment buf = arena.allocate(10);
            ring.getSqe().prepRead(fd.fd(), buf, 0).userData(1);
            assertEquals(10, expect(ring, 10).res());
            assertEquals("plain read", new String(buf.toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
            Statx stx = Statx.allocate(arena);
            ring.getSqe().prepStatx(FsOps.AT_FDCWD, arena.allocateFrom(file.toString()), 0, Statx.STATX_SIZE, stx.segment()).userData(2);
            assertEquals(0, expect(ring, 0).res());
            assertEquals(10, stx.size());
        }
    }
}
