package io.uring4j.core;

import io.uring4j.core.RegistrationTestSupport.Completion;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static io.uring4j.core.RegistrationTestSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/** Fixed files: register, sparse + update, clear, unregister, allocation range, the RLIMIT_NOFILE retry. */
@Timeout(30)
class RegistrationFilesTest {
    @TempDir
    Path dir;

    private static Completion readFixed(IoUring ring, int index, MemorySegment buf, int len, boolean async) {
        Sqe sqe = ring.getSqe().prepRead(index, buf, len, 0).flag(SqeFlag.FIXED_FILE).userData(index);
        if (async) sqe.flag(SqeFlag.ASYNC);
        return submitOne(ring);
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void fixedFileReadUsesTheTableIndex(boolean async) {
        int a = fileWith(dir, "a", "first file"), b = fileWith(dir, "b", "second file");
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            ring.registration().registerFiles(new int[] {a, Registration.FILE_SLOT_EMPTY, b});
            MemorySegment buf = arena.allocate(64);
            Completion c = readFixed(ring, 2, buf, 11, async);
            assertEquals(11, c.res(), Errno.describe(c.res()));
            assertEquals("second file", string(buf, 11));
            assertEquals(-Errno.EBADF.code(), readFixed(ring, 1, buf, 4, async).res(), "empty slot");
            assertEquals(-Errno.EBADF.code(), readFixed(ring, 3, buf, 4, async).res(), "beyond the table");
            // The table holds its own reference: closing the fd does not empty the slot.
            Posix.close(a);
            a = -1;
            assertEquals(10, readFixed(ring, 0, buf, 10, async).res());
            assertEquals("first file", string(buf, 10));
            ring.registration().unregisterFiles();
            assertTrue(readFixed(ring, 0, buf, 10, async).res() < 0, "no table after unregister");
        } finally {
            closeAll(a, b);
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void sparseThenUpdateThenClear(boolean async) {
        int fd = fileWith(dir, "f", "updated slot");
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            Registration reg = ring.registration();
            reg.registerFilesSparse(16);
            MemorySegment buf = arena.allocate(64);
            assertEquals(-Errno.EBADF.code(), readFixed(ring, 5, buf, 4, async).res());
            assertEquals(2, reg.updateFiles(5, new int[] {fd, fd}));
            assertEquals(12, readFixed(ring, 6, buf, 12, async).res());
            assertEquals("updated slot", string(buf, 12));
            // -2 keeps slot 5, -1 clears slot 6.
            assertEquals(2, reg.updateFiles(5, new int[] {Registration.FILE_SLOT_SKIP, Registration.FILE_SLOT_EMPTY}));
            assertEquals(7, readFixed(ring, 5, buf, 7, async).res());
            assertEquals(-Errno.EBADF.code(), readFixed(ring, 6, buf, 4, async).res());
            IoUringException e = assertThrows(IoUringException.class, () -> reg.updateFiles(16, new int[] {fd}));
            assertEquals(Errno.EINVAL, e.errnoConstant());
            assertTrue(e.getMessage().contains("IORING_REGISTER_FILES_UPDATE2"), e.getMessage());
        } finally {
            closeAll(fd);
        }
    }

    @Test
    void allocRangeNeedsATableAndFitsIt() {
        try (IoUring ring = IoUring.open(4)) {
            Registration reg = ring.registration();
            IoUringException none = assertThrows(IoUringException.class, () -> reg.registerFileAllocRange(0, 4));
            assertEquals(Errno.EINVAL, none.errnoConstant(), "no table: the range is beyond its 0 slots");
            assertTrue(none.getMessage().contains("IORING_REGISTER_FILE_ALLOC_RANGE"), none.getMessage());
            reg.registerFilesSparse(8);
            reg.registerFileAllocRange(4, 4);
            assertThrows(IoUringException.class, () -> reg.registerFileAllocRange(4, 5));
            assertThrows(IllegalArgumentException.class, () -> reg.registerFileAllocRange(-1, 4));
        }
    }

    @Test
    void secondTableIsBusy() {
        try (IoUring ring = IoUring.open(4)) {
            ring.registration().registerFilesSparse(2);
            IoUringException e = assertThrows(IoUringException.class, () -> ring.registration().registerFilesSparse(2));
            assertEquals(Errno.EBUSY, e.errnoConstant());
            IoUringException none = assertThrows(IoUringException.class, () -> {
                ring.registration().unregisterFiles();
                ring.registration().unregisterFiles();
            });
            assertEquals(Errno.ENXIO, none.errnoConstant());
        }
    }

    @Test
    void tableAboveRlimitNofileRaisesTheLimitAndRetries() {
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(4)) {
            MemorySegment saved = arena.allocate(Posix.RLIMIT_BYTES, 8);
            assertEquals(0, Posix.getrlimit(Posix.RLIMIT_NOFILE, saved));
            long max = saved.get(JAVA_LONG, 8);
            org.junit.jupiter.api.Assumptions.assumeTrue(Long.compareUnsigned(max, 4096) >= 0, "hard RLIMIT_NOFILE of at least 4096");
            MemorySegment low = arena.allocate(Posix.RLIMIT_BYTES, 8);
            low.set(JAVA_LONG, 0, 2048);
            low.set(JAVA_LONG, 8, max);
            assertEquals(0, Posix.setrlimit(Posix.RLIMIT_NOFILE, low));
            try {
                ring.registration().registerFilesSparse(3000); // kernel: EMFILE above the soft limit
                MemorySegment now = arena.allocate(Posix.RLIMIT_BYTES, 8);
                assertEquals(0, Posix.getrlimit(Posix.RLIMIT_NOFILE, now));
                assertTrue(now.get(JAVA_LONG, 0) >= 3000, "soft limit raised to " + now.get(JAVA_LONG, 0));
            } finally {
                assertEquals(0, Posix.setrlimit(Posix.RLIMIT_NOFILE, saved));
            }
        }
    }

    @Test
    void badFileArgumentsAreRefusedBeforeTheKernel() {
        try (IoUring ring = IoUring.open(4)) {
            Registration reg = ring.registration();
            IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> reg.registerFiles(new int[0]));
            assertTrue(empty.getMessage().contains("given 0"), empty.getMessage());
            IllegalArgumentException many = assertThrows(IllegalArgumentException.class,
                    () -> reg.registerFilesSparse(Registration.MAX_FILES + 1));
            assertTrue(many.getMessage().contains(String.valueOf(Registration.MAX_FILES + 1)), many.getMessage());
            IllegalArgumentException skip = assertThrows(IllegalArgumentException.class, () -> reg.registerFiles(new int[] {-2}));
            assertTrue(skip.getMessage().contains("-2"), skip.getMessage());
            assertThrows(IllegalArgumentException.class, () -> reg.updateFiles(0, new int[] {-3}));
            assertThrows(IllegalArgumentException.class, () -> reg.updateFiles(-1, new int[] {0}));
            assertThrows(IllegalArgumentException.class, () -> reg.registerFilesSparse(-5));
            IoUringException badFd = assertThrows(IoUringException.class, () -> reg.registerFiles(new int[] {999_999}));
            assertEquals(Errno.EBADF, badFd.errnoConstant());
            assertTrue(badFd.getMessage().contains("IORING_REGISTER_FILES"), badFd.getMessage());
        }
    }
}
