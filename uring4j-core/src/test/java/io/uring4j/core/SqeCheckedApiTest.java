package io.uring4j.core;

import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.uring4j.core.OpTesting.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9, item 1: the checked {@link Sqe} cannot be undone from its public API (the crash was
 * {@code prepRead(fd, a 16-byte segment, 0).len(1 << 20)}: SIGABRT), raw access lives only in
 * {@link UncheckedSqe}, and the optional setters that stay refuse the combinations that would
 * make the kernel follow unchecked memory.
 */
@Timeout(30)
class SqeCheckedApiTest {
    @TempDir
    Path dir;

    /** The public methods of Sqe that are not @Prep helpers: each audited (see the class javadoc). */
    private static final Set<String> AUDITED = Set.of(
            "unchecked", "userData", "flag", "flags", "fixedFile", "ioprio", "fd", "opFlags", "bufIndex", "bufGroup",
            "personality", "prepSendSetAddr",
            // getters
            "opcode", "flagsMask", "getFd", "getAddr", "getLen", "getOff", "getOpFlags", "getIoprio", "byteSize");

    @Test
    void sqeHasNoPublicSetterForAddressesLengthsOrTheCommandArea() {
        Set<String> forbidden = Set.of("prepRw", "addr", "len", "off", "addr3", "fileIndex", "cmd", "cmdArea", "rawFd", "rawIoprio");
        List<String> problems = new ArrayList<>();
        Set<String> unaudited = new TreeSet<>();
        for (Method m : Sqe.class.getMethods()) {
            if (m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers())) continue;
            if (forbidden.contains(m.getName())) problems.add(m.toString());
            if (m.getReturnType() == MemorySegment.class) problems.add("returns a writable view: " + m);
            if (!m.isAnnotationPresent(Prep.class) && !AUDITED.contains(m.getName())) unaudited.add(m.getName());
        }
        assertEquals(List.of(), problems, "raw setters must live in UncheckedSqe only");
        assertEquals(Set.of(), unaudited, "a new public method on Sqe needs the audit of its javadoc and a place in AUDITED");
        for (String name : List.of("prepRw", "addr", "len", "off", "addr3", "fileIndex", "fd", "ioprio", "cmd", "sqe")) {
            assertTrue(java.util.Arrays.stream(UncheckedSqe.class.getMethods()).anyMatch(m -> m.getName().equals(name)),
                    "UncheckedSqe." + name);
        }
        assertTrue(Modifier.isFinal(UncheckedSqe.class.getModifiers()));
    }

    @Test
    void theUncheckedViewDrivesANopAndAReadOnARealRing() throws Exception {
        Path file = dir.resolve("data");
        Files.writeString(file, "unchecked read");
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(file, FsOps.O_RDONLY)) {
            Sqe sqe = ring.getSqe();
            UncheckedSqe raw = sqe.unchecked();
            assertSame(raw, sqe.unchecked(), "one view per slot, no allocation per call");
            assertSame(sqe, raw.prepRw(Opcode.NOP, -1, 0, 0, 0).sqe());
            sqe.userData(1);
            assertEquals(0, expect(ring, 0).res());

            MemorySegment buf = arena.allocate(64);
            ring.getSqe().unchecked().prepRw(Opcode.READ, fd.fd(), buf.address() + 8, 14, 0).sqe().userData(2);
            assertEquals(14, expect(ring, 14).res());
            assertEquals("unchecked read", new String(buf.asSlice(8, 14).toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
            // the expert's way to change a checked request: the raw view, which the crash needed
            ring.getSqe().prepRead(fd.fd(), buf, 16, 0).unchecked().len(4).sqe().userData(3);
            assertEquals(4, expect(ring, 4).res());
        }
    }

    @Test
    void aPrepHelperClearsWhatAnEarlierPreparationOfTheEntryLeft() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(64, 8);
            Sqe sqe = new Sqe(mem, 0, 64);
            MemorySegment name = arena.allocateFrom("user.x"), path = arena.allocateFrom("/tmp"), value = arena.allocate(4);
            sqe.prepSetxattr(name, value, path, 0, 4).ioprio(3).personality(2).bufIndex(9);
            sqe.unchecked().fileIndex(1 << 20);
            assertNotEquals(0L, mem.get(JAVA_LONG, 48), "addr3 holds the path");
            // a socket command reads optval from addr3 and optlen from file_index: a stale path and
            // length would let the kernel write past the path segment
            sqe.prepUringCmd(CmdOps.SOCKET_URING_OP_GETSOCKOPT, 3).userData(5);
            assertEquals(List.of(0, 0, 0L, 0L, 0L), List.of((int) mem.get(JAVA_SHORT, 2), mem.get(JAVA_INT, 28),
                    mem.get(JAVA_LONG, 40), mem.get(JAVA_LONG, 48), mem.get(JAVA_LONG, 56)));
            assertEquals(5, sqe.userData(), "user_data survives a new preparation");
            // a setter before the helper cannot smuggle a value in either
            sqe.ioprio(SendRecvOps.SEND_VECTORIZED).prepSend(3, value, 4, 0);
            assertEquals(0, sqe.getIoprio());
        }
    }

    @Test
    void dangerousOptionalFieldCombinationsAreRefused() {
        try (Arena arena = Arena.ofConfined()) {
            Sqe sqe = new Sqe(arena.allocate(64, 8), 0, 64);
            MemorySegment buf = arena.allocate(16);
            var vec = assertThrows(IllegalArgumentException.class, () -> sqe.prepSend(3, buf, 16, 0).ioprio(SendRecvOps.SEND_VECTORIZED));
            assertTrue(vec.getMessage().contains("IORING_SEND_VECTORIZED") && vec.getMessage().contains("IORING_OP_SEND"), vec.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sqe.prepSendZc(3, buf, 16, 0, SendRecvOps.SEND_VECTORIZED));
            assertEquals(SendRecvOps.SEND_VECTORIZED, sqe.prepSend(3, buf, 16, 0).unchecked().ioprio(SendRecvOps.SEND_VECTORIZED).sqe().getIoprio());
            sqe.prepRecv(3, buf, 16, 0).ioprio(SendRecvOps.RECVSEND_POLL_FIRST); // harmless flags stay allowed

            var count = assertThrows(IllegalArgumentException.class, () -> sqe.prepProvideBuffers(buf, 16, 1, 0, 0).fd(1 << 16));
            assertTrue(count.getMessage().contains("IORING_OP_PROVIDE_BUFFERS") && count.getMessage().contains("given 65536"), count.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sqe.prepProvideBuffers(buf, 16, 1, 0, 0).fixedFile(1 << 16));
            MemorySegment futex = arena.allocate(4);
            assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepFutexWait(futex, 0, MiscOps.FUTEX_BITSET_MATCH_ANY, MiscOps.FUTEX2_SIZE_U32, 0).fd(MiscOps.FUTEX2_SIZE_U64));
            assertEquals(7, sqe.prepRead(3, buf, 16, 0).fd(7).getFd(), "fd of a file request may change");

            var notAFile = assertThrows(IllegalArgumentException.class, () -> sqe.prepNop().fixedFile(1));
            assertTrue(notAFile.getMessage().contains("IORING_OP_NOP"), notAFile.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sqe.prepClose(4).fixedFile(1));
            assertEquals(1, sqe.prepRead(0, buf, 16, 0).fixedFile(1).getFd());

            // prepSendSetAddr writes addr2, a timespec pointer for TIMEOUT_REMOVE with TIMEOUT_UPDATE
            var notSend = assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepTimeoutRemove(1, TimeoutOps.TIMEOUT_UPDATE).prepSendSetAddr(arena.allocate(2), 2));
            assertTrue(notSend.getMessage().contains("IORING_OP_TIMEOUT_REMOVE"), notSend.getMessage());
            // GETSOCKNAME reads addr/addr3 as pointers: not through the getsockopt-style helper
            assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepCmdSock(CmdOps.SOCKET_URING_OP_GETSOCKNAME, 3, 0, 0, buf, 4));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepCmdSock(99, 3, 0, 0, buf, 4));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepRead(3, buf, 16, 0).bufIndex(1 << 16));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepNop().personality(-1));
        }
    }

    @Test
    void offsetFormsCheckExactlyTheBytesMovedAndNameTheValues() {
        try (Arena arena = Arena.ofConfined()) {
            Sqe sqe = new Sqe(arena.allocate(64, 8), 0, 64);
            MemorySegment buf = arena.allocate(100);
            sqe.prepRead(3, buf, 90, 10, 7);
            assertEquals(List.of(buf.address() + 90, 10, 7L), List.of(sqe.getAddr(), sqe.getLen(), sqe.getOff()));
            sqe.prepWrite(3, buf, 100, 0, -1);
            assertEquals(buf.address() + 100, sqe.getAddr());
            sqe.prepSend(3, buf, 1, 99, 0);
            assertEquals(List.of(26, buf.address() + 1, 99), List.of(sqe.opcode(), sqe.getAddr(), sqe.getLen()));
            sqe.prepRecv(3, buf, 0, 100, 0);
            assertEquals(List.of(27, buf.address(), 100), List.of(sqe.opcode(), sqe.getAddr(), sqe.getLen()));
            var past = assertThrows(IndexOutOfBoundsException.class, () -> sqe.prepRead(3, buf, 91, 10, 0));
            assertEquals("prepRead buffer: bytes [91, 91 + 10) must lie within the segment of 100 bytes", past.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> sqe.prepWrite(3, buf, -1, 10, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> sqe.prepSend(3, buf, 0, -1, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> sqe.prepRecv(3, buf, Long.MAX_VALUE, 1, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepWrite(3, MemorySegment.ofArray(new byte[8]), 0, 8, 0));
        }
    }

    @Test
    void offsetFormsAllocateNothing() throws Exception {
        // java.management is not read by this module at compile time; the tests run on the class path
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        try (Arena arena = Arena.ofConfined()) {
            Sqe sqe = new Sqe(arena.allocate(64, 8), 0, 64);
            MemorySegment buf = arena.allocate(4096);
            for (int i = 0; i < 20_000; i++) offsetPreps(sqe, buf, i); // warm up
            long before = (long) allocated.invoke(threads);
            for (int i = 0; i < 100_000; i++) offsetPreps(sqe, buf, i);
            long bytes = (long) allocated.invoke(threads) - before;
            assertTrue(bytes < 10_000, "100000 x 4 offset preps allocated " + bytes + " bytes");
        }
    }

    private static void offsetPreps(Sqe sqe, MemorySegment buf, int i) {
        int at = i & 1023;
        sqe.prepRead(3, buf, at, 512, i);
        sqe.prepWrite(3, buf, at, 512, i);
        sqe.prepSend(3, buf, at, 512, 0);
        sqe.prepRecv(3, buf, at, 512, 0);
    }

    @Test
    void offsetFormsMoveBytesThroughARealRing() throws Exception {
        Path file = dir.resolve("offsets");
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined();
             Fd fd = Fd.open(file, FsOps.O_RDWR | FsOps.O_CREAT)) {
            MemorySegment out = arena.allocate(32);
            out.asSlice(10, 5).copyFrom(MemorySegment.ofArray("hello".getBytes(StandardCharsets.US_ASCII)));
            ring.getSqe().prepWrite(fd.fd(), out, 10, 5, 0).userData(1);
            assertEquals(5, expect(ring, 5).res());
            MemorySegment in = arena.allocate(32);
            ring.getSqe().prepRead(fd.fd(), in, 20, 5, 0).userData(2);
            assertEquals(5, expect(ring, 5).res());
            assertEquals("hello", new String(in.asSlice(20, 5).toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
            assertEquals(0, in.get(JAVA_BYTE, 19));
            assertEquals(0, in.get(JAVA_BYTE, 25));

            int[] pair = new int[2];
            assertEquals(0, Posix.socketpair(SocketConstants.AF_UNIX, SocketConstants.SOCK_STREAM | SocketConstants.SOCK_CLOEXEC, 0, pair));
            try {
                ring.getSqe().prepSend(pair[0], out, 11, 3, 0).userData(3);
                assertEquals(3, expect(ring, 3).res());
                ring.getSqe().prepRecv(pair[1], in, 2, 3, 0).userData(4);
                assertEquals(3, expect(ring, 3).res());
                assertEquals("ell", new String(in.asSlice(2, 3).toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
            } finally {
                Posix.close(pair[0]);
                Posix.close(pair[1]);
            }
        }
    }
}
