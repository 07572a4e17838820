package io.uring4j.core;

import io.uring4j.core.OpTesting.Fd;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.uring4j.core.OpTesting.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** FSYNC, SYNC_FILE_RANGE, FALLOCATE, FTRUNCATE, FADVISE, MADVISE against files and the plain syscalls. */
@Timeout(30)
class SyncOpsTest {

    @TempDir
    Path dir;

    private Path file(int size) throws IOException {
        Path f = Files.createTempFile(dir, "sync", ".bin");
        Files.write(f, new byte[size]);
        return f;
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.FSYNC)
    void fsyncAndFdatasyncSucceedLikeTheSyscall(boolean async) throws IOException {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(file(0), FsOps.O_RDWR)) {
            assertEquals(4, Posix.write(fd.fd(), segmentOf(arena, new byte[] {1, 2, 3, 4}), 4));
            maybeAsync(ring.getSqe().prepFsync(fd.fd(), 0).userData(1), async);
            expect(ring, 0);
            Sqe sqe = maybeAsync(ring.getSqe().prepFdatasync(fd.fd()).userData(2), async);
            assertEquals(SyncOps.FSYNC_DATASYNC, sqe.getOpFlags());
            expect(ring, 0);
            // an fd that is not open fails exactly as fsync(2) does (-EBADF)
            int notOpen = 999_999;
            maybeAsync(ring.getSqe().prepFsync(notOpen, 0).userData(3), async);
            expect(ring, Posix.fsync(notOpen));
            assertEquals(-Errno.EBADF.code(), Posix.fsync(notOpen));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.SYNC_FILE_RANGE)
    void syncFileRange(boolean async) throws IOException {
        try (IoUring ring = IoUring.open(8); Fd fd = Fd.open(file(8192), FsOps.O_RDWR)) {
            maybeAsync(ring.getSqe().prepSyncFileRange(fd.fd(), 4096, 0,
                    SyncOps.SYNC_FILE_RANGE_WAIT_BEFORE | SyncOps.SYNC_FILE_RANGE_WRITE | SyncOps.SYNC_FILE_RANGE_WAIT_AFTER)
                    .userData(1), async);
            expect(ring, 0);
            maybeAsync(ring.getSqe().prepSyncFileRange(fd.fd(), 0, 0, 1 << 5).userData(2), async);
            expect(ring, -Errno.EINVAL.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.FALLOCATE)
    void fallocateGrowsTheFileUnlessKeepSize(boolean async) throws IOException {
        Path f = file(0);
        try (IoUring ring = IoUring.open(8); Fd fd = Fd.open(f, FsOps.O_RDWR)) {
            maybeAsync(ring.getSqe().prepFallocate(fd.fd(), 0, 0, 8192).userData(1), async);
            expect(ring, 0);
            assertEquals(8192, Files.size(f));
            maybeAsync(ring.getSqe().prepFallocate(fd.fd(), SyncOps.FALLOC_FL_KEEP_SIZE, 8192, 1 << 20).userData(2), async);
            expect(ring, 0);
            assertEquals(8192, Files.size(f), "KEEP_SIZE allocates without changing the size");
            // a length beyond 32 bits travels in addr, intact: the kernel sees it and refuses it for space
            maybeAsync(ring.getSqe().prepFallocate(fd.fd(), 0, 0, Long.MAX_VALUE).userData(3), async);
            int res = submitOne(ring).res();
            assertTrue(res == -Errno.EFBIG.code() || res == -Errno.ENOSPC.code() || res == -Errno.EINVAL.code(),
                    "huge fallocate is refused: " + Errno.describe(res));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.FTRUNCATE)
    void ftruncateSetsTheSize(boolean async) throws IOException {
        requires(Opcode.FTRUNCATE);
        Path f = file(100);
        try (IoUring ring = IoUring.open(8); Fd fd = Fd.open(f, FsOps.O_RDWR)) {
            maybeAsync(ring.getSqe().prepFtruncate(fd.fd(), 10_000).userData(1), async);
            expect(ring, 0);
            assertEquals(10_000, Files.size(f));
            maybeAsync(ring.getSqe().prepFtruncate(fd.fd(), 3).userData(2), async);
            expect(ring, 0);
            assertEquals(3, Files.size(f));
            maybeAsync(ring.getSqe().prepFtruncate(fd.fd(), -1).userData(3), async);
            expect(ring, -Errno.EINVAL.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.FADVISE)
    void fadviseAcceptsKnownAdviceOnly(boolean async) throws IOException {
        try (IoUring ring = IoUring.open(8); Fd fd = Fd.open(file(8192), FsOps.O_RDONLY)) {
            maybeAsync(ring.getSqe().prepFadvise(fd.fd(), 0, 4096, SyncOps.POSIX_FADV_WILLNEED).userData(1), async);
            expect(ring, 0);
            maybeAsync(ring.getSqe().prepFadvise(fd.fd(), 0, 0, 99).userData(2), async);
            expect(ring, -Errno.EINVAL.code());
            maybeAsync(ring.getSqe().prepFadvise64(fd.fd(), 0, 6L << 30, SyncOps.POSIX_FADV_DONTNEED).userData(3), async);
            expect(ring, 0);
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.MADVISE)
    void madviseDontneedZeroesAnonymousPages(boolean async) {
        long page = 4096;
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(2 * page, page);
            region.fill((byte) 0x55);
            maybeAsync(ring.getSqe().prepMadvise(region, (int) page, SyncOps.MADV_DONTNEED).userData(1), async);
            expect(ring, 0);
            assertEquals(0, region.get(JAVA_BYTE, 0), "first page dropped and refaulted as zeroes");
            assertEquals(0x55, region.get(JAVA_BYTE, page), "second page untouched");

            region.fill((byte) 0x66);
            maybeAsync(ring.getSqe().prepMadvise64(region, 2 * page, SyncOps.MADV_DONTNEED).userData(2), async);
            expect(ring, 0);
            assertEquals(0, region.get(JAVA_BYTE, 2 * page - 1));

            maybeAsync(ring.getSqe().prepMadvise(region.asSlice(1), 16, SyncOps.MADV_WILLNEED).userData(3), async);
            expect(ring, -Errno.EINVAL.code()); // unaligned start, as madvise(2)
        }
    }

    @Test
    void lengthsBeyondTheRegionAreRefused() {
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(4096, 4096);
            Sqe sqe = ring.getSqe();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepMadvise(region, 8192, SyncOps.MADV_NORMAL));
            assertTrue(e.getMessage().contains("4096") && e.getMessage().contains("8192"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> sqe.prepMadvise64(region, 8192, SyncOps.MADV_NORMAL));
            assertTrue(e.getMessage().contains("4096") && e.getMessage().contains("8192"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sqe.prepFadvise(0, 0, -1, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepSyncFileRange(0, -1, 0, 0));
        }
    }
}
