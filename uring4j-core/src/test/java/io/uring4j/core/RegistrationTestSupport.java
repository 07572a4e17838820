package io.uring4j.core;

import io.uring4j.core.internal.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small helpers shared by the Registration*Test classes. */
final class RegistrationTestSupport {
    private RegistrationTestSupport() {}

    /** A completion copied out of the ring (the view is released). */
    record Completion(long userData, int res, int flags) {}

    /** Waits (bounded) for the next CQE, copies and releases it. */
    static Completion next(IoUring ring) {
        Cqe cqe = ring.waitCqe(Duration.ofSeconds(5));
        assertNotNull(cqe, "a CQE within 5 s");
        Completion c = new Completion(cqe.userData(), cqe.res(), cqe.flags());
        ring.cqeSeen(cqe);
        return c;
    }

    /** Submits what is queued and returns the single completion it produces. */
    static Completion submitOne(IoUring ring) {
        assertEquals(1, ring.submit());
        return next(ring);
    }

    /** Creates a file under {@code dir} holding {@code content} and opens it read-write; returns the fd. */
    static int fileWith(Path dir, String name, String content) {
        Path p = dir.resolve(name);
        int fd = Posix.open(p.toString(), FsOps.O_RDWR | FsOps.O_CREAT | FsOps.O_TRUNC | FsOps.O_CLOEXEC, 0600);
        assertTrue(fd >= 0, "open " + p + ": " + Errno.describe(fd));
        try (Arena a = Arena.ofConfined()) {
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            MemorySegment s = a.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            assertEquals(bytes.length, Posix.pwrite(fd, s, bytes.length, 0));
        }
        return fd;
    }

    static String string(MemorySegment s, int len) {
        byte[] b = new byte[len];
        MemorySegment.copy(s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b, 0, len);
        return new String(b, StandardCharsets.UTF_8);
    }

    static void fill(MemorySegment s, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(b, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
    }

    static void closeAll(int... fds) {
        for (int fd : fds) {
            if (fd >= 0) Posix.close(fd);
        }
    }
}
