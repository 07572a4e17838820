package io.uring4j.core;

import io.uring4j.core.internal.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared plumbing for the per-opcode conformance tests: bounded waits, fds that close, registration. */
final class OpTesting {
    private OpTesting() {}

    static final Duration WAIT = Duration.ofSeconds(5);

    /** A CQE copied out of the ring, so it stays valid after the slot is released. */
    record Completion(long userData, int res, int flags) {
        boolean has(CqeFlag flag) {
            return (flags & flag.mask()) != 0;
        }

        boolean more() {
            return has(CqeFlag.MORE);
        }

        int bufferId() {
            return has(CqeFlag.BUFFER) ? flags >>> CqeFlag.BUFFER_SHIFT : -1;
        }

        @Override
        public String toString() {
            return "Completion[userData=" + userData + ", res=" + (res >= 0 ? res : Errno.describe(res))
                    + ", flags=0x" + Integer.toHexString(flags) + "]";
        }
    }

    private static volatile Probe probe;

    static Probe probe() {
        Probe p = probe;
        if (p == null) {
            probe = p = Probe.probe();
        }
        return p;
    }

    /** Skips (not passes) the test when the running kernel lacks {@code op}. */
    static void requires(Opcode op) {
        assumeTrue(probe().supports(op), op.kernelName() + " is not supported by this kernel (needs " + op.since() + ")");
    }

    /** Adds IOSQE_ASYNC when the test runs in its forced-async variant. */
    static Sqe maybeAsync(Sqe sqe, boolean async) {
        return async ? sqe.flag(SqeFlag.ASYNC) : sqe;
    }

    /** Waits up to {@code d} for the next CQE ({@link IoUring#waitCqe(Duration)} waits out early wakeups). */
    static Cqe waitUntil(IoUring ring, Duration d) {
        return ring.waitCqe(d);
    }

    /** The next CQE within {@code timeout}, copied out, or null. */
    static Completion poll(IoUring ring, Duration timeout) {
        Cqe cqe = ring.waitCqe(timeout);
        if (cqe == null) return null;
        Completion c = new Completion(cqe.userData(), cqe.res(), cqe.flags());
        ring.cqeSeen(cqe);
        return c;
    }

    /** The completion with {@code userData} among {@code cs}. */
    static Completion byUserData(List<Completion> cs, long userData) {
        return cs.stream().filter(c -> c.userData() == userData).findFirst()
                .orElseThrow(() -> new AssertionError("no CQE with user_data " + userData + " in " + cs));
    }

    /** Waits (bounded) for the next CQE and copies it out. */
    static Completion await(IoUring ring) {
        Cqe cqe = waitUntil(ring, WAIT);
        assertNotNull(cqe, "a CQE within " + WAIT);
        Completion c = new Completion(cqe.userData(), cqe.res(), cqe.flags());
        ring.cqeSeen(cqe);
        return c;
    }

    /** Submits everything queued and waits for {@code n} CQEs, in arrival order. */
    static List<Completion> submitAndAwait(IoUring ring, int n) {
        ring.submit();
        List<Completion> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(await(ring));
        }
        return out;
    }

    /** Submits the queued SQE(s) and returns the one CQE expected. */
    static Completion submitOne(IoUring ring) {
        return submitAndAwait(ring, 1).getFirst();
    }

    /** Submits and expects exactly one CQE with result {@code expected}. */
    static Completion expect(IoUring ring, int expected) {
        Completion c = submitOne(ring);
        assertEquals(expected, c.res(), () -> "result of " + c);
        return c;
    }

    /** Asserts no CQE arrives within {@code d}. */
    static void assertNoCqe(IoUring ring, Duration d) {
        Cqe cqe = waitUntil(ring, d);
        assertTrue(cqe == null, () -> "expected no CQE, got " + cqe);
    }

    /** A plain fd that is closed at the end of a try-with-resources block. */
    record Fd(int fd) implements AutoCloseable {
        static Fd open(Path path, int flags) {
            int fd = Posix.open(path.toString(), flags, 0644);
            assertTrue(fd >= 0, () -> "open " + path + ": " + Errno.describe(fd));
            return new Fd(fd);
        }

        @Override
        public void close() {
            Posix.close(fd);
        }
    }

    /**
     * A pipe whose ends are closed at the end of a try-with-resources block, each at most once
     * (closing an fd number twice could close another thread's file that reused it).
     */
    static final class Pipe implements AutoCloseable {
        private final int readFd;
        private int writeFd;

        private Pipe(int readFd, int writeFd) {
            this.readFd = readFd;
            this.writeFd = writeFd;
        }

        static Pipe open(int flags) {
            int[] fds = new int[2];
            int r = Posix.pipe(fds, flags);
            assertEquals(0, r, () -> "pipe2: " + Errno.describe(r));
            return new Pipe(fds[0], fds[1]);
        }

        int readFd() {
            return readFd;
        }

        int writeFd() {
            return writeFd;
        }

        /** Closes the write end now, with close(2), so readers see EOF. */
        void closeWrite() {
            Posix.close(writeFd);
            writeFd = -1;
        }

        /** Records that something else (an io_uring CLOSE) closed the write end. */
        void writeClosedElsewhere() {
            writeFd = -1;
        }

        @Override
        public void close() {
            Posix.close(readFd);
            if (writeFd >= 0) Posix.close(writeFd);
        }
    }

    /** IORING_REGISTER_FILES with the given fds (-1 leaves a slot empty). */
    static void registerFiles(IoUring ring, int... fds) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arr = a.allocateFrom(JAVA_INT, fds);
            ring.registerOrThrow(RegisterOp.REGISTER_FILES, arr, fds.length, "register " + fds.length + " files");
        }
    }

    /** IORING_REGISTER_BUFFERS with one buffer per segment. */
    static void registerBuffers(IoUring ring, MemorySegment... buffers) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = Iovecs.allocate(a, buffers);
            ring.registerOrThrow(RegisterOp.REGISTER_BUFFERS, iov, buffers.length, "register " + buffers.length + " buffers");
        }
    }

    /**
     * Provides {@code count} buffers of {@code size} bytes from {@code memory} to group
     * {@code group} with IORING_OP_PROVIDE_BUFFERS (ids from 0); returns after the kernel
     * accepted them.
     */
    static void provideBuffers(IoUring ring, MemorySegment memory, int size, int count, int group) {
        assertTrue(memory.byteSize() >= (long) size * count);
        ring.getSqe().prepProvideBuffers(memory, size, count, group, 0).userData(-7);
        Completion c = submitOne(ring);
        assertTrue(c.res() >= 0, () -> "provide buffers: " + c);
    }

    /** Bytes of a segment as a Java array. */
    /**
     * Zeroed, page-aligned memory for a ring in caller memory (NO_MMAP): anonymous pages mapped
     * here and unmapped when {@code arena} closes. Not {@code arena.allocate}: the kernel tears a
     * ring down asynchronously and may store ring words for a while after close, so memory freed
     * to malloc could be handed to the next test with those stores landing in it (seen as
     * "ring memory must be zeroed" in a later openInMemory). Unmapped pages go to the kernel alone.
     */
    static MemorySegment callerRingMemory(Arena arena, long bytes) {
        return RingMemory.allocateShared(arena, RingMemory.roundUpPage(bytes)).asSlice(0, bytes);
    }

    static byte[] bytes(MemorySegment seg) {
        return seg.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** A segment filled with {@code data}. */
    static MemorySegment segmentOf(Arena arena, byte[] data) {
        return arena.allocate(data.length == 0 ? 1 : data.length).copyFrom(MemorySegment.ofArray(data)).asSlice(0, data.length);
    }
}
