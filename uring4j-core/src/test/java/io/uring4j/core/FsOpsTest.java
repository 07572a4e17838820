package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import io.uring4j.core.OpTesting.Fd;
import io.uring4j.core.OpTesting.Pipe;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static io.uring4j.core.OpTesting.*;
import static org.junit.jupiter.api.Assertions.*;

/** OPENAT, OPENAT2, CLOSE (plain and direct), STATX and the namespace ops, checked with java.nio.file. */
@Timeout(30)
class FsOpsTest {

    @TempDir
    Path dir;

    private static final byte[] CONTENT = "file system ops".getBytes(StandardCharsets.US_ASCII);

    private Path file(String name) throws IOException {
        return Files.write(dir.resolve(name), CONTENT);
    }

    private static String readAll(int fd, Arena arena) {
        MemorySegment buf = arena.allocate(256);
        long n = Posix.pread(fd, buf, 256, 0);
        assertTrue(n >= 0, "pread: " + Errno.describe((int) n));
        return new String(bytes(buf.asSlice(0, n)), StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.OPENAT)
    void openatOpensAbsoluteAndDirRelativePaths(boolean async) throws IOException {
        Path f = file("a.txt");
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined();
             Fd dirFd = Fd.open(dir, FsOps.O_RDONLY | FsOps.O_DIRECTORY)) {
            maybeAsync(ring.getSqe().prepOpenat(FsOps.AT_FDCWD, arena.allocateFrom(f.toString()), FsOps.O_RDONLY, 0), async);
            int fd = submitOne(ring).res();
            assertTrue(fd >= 0, Errno.describe(fd));
            try (Fd opened = new Fd(fd)) {
                assertEquals(new String(CONTENT, StandardCharsets.US_ASCII), readAll(opened.fd(), arena));
            }
            maybeAsync(ring.getSqe().prepOpenat(dirFd.fd(), arena.allocateFrom("new.txt"),
                    FsOps.O_WRONLY | FsOps.O_CREAT | FsOps.O_EXCL, 0600), async);
            int created = submitOne(ring).res();
            assertTrue(created >= 0, Errno.describe(created));
            new Fd(created).close();
            assertTrue(Files.isRegularFile(dir.resolve("new.txt")));

            maybeAsync(ring.getSqe().prepOpenat(dirFd.fd(), arena.allocateFrom("missing"), FsOps.O_RDONLY, 0), async);
            expect(ring, Posix.open(dir.resolve("missing").toString(), FsOps.O_RDONLY, 0)); // -ENOENT both ways
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.OPENAT2)
    void openat2HonoursResolveFlags(boolean async) throws IOException {
        file("b.txt");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined();
             Fd subFd = Fd.open(sub, FsOps.O_RDONLY | FsOps.O_DIRECTORY)) {
            MemorySegment how = OpenHow.allocate(arena, FsOps.O_RDONLY, 0, OpenHow.RESOLVE_BENEATH);
            maybeAsync(ring.getSqe().prepOpenat2(subFd.fd(), arena.allocateFrom("../b.txt"), how), async);
            expect(ring, -Errno.EXDEV.code()); // escaping the dfd is refused under RESOLVE_BENEATH

            MemorySegment plain = OpenHow.allocate(arena, FsOps.O_RDONLY, 0, 0);
            maybeAsync(ring.getSqe().prepOpenat2(subFd.fd(), arena.allocateFrom("../b.txt"), plain), async);
            int fd = submitOne(ring).res();
            assertTrue(fd >= 0, Errno.describe(fd));
            try (Fd opened = new Fd(fd)) {
                assertEquals(new String(CONTENT, StandardCharsets.US_ASCII), readAll(opened.fd(), arena));
            }
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.CLOSE)
    void closeReleasesTheFd(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe pipe = Pipe.open(0)) {
            // close the write end through the ring; the reader then sees EOF. (Checking the fd number
            // itself would race with other JVM threads reusing it.)
            maybeAsync(ring.getSqe().prepClose(pipe.writeFd()), async);
            expect(ring, 0);
            pipe.writeClosedElsewhere();
            assertEquals(0, Posix.read(pipe.readFd(), arena.allocate(8), 8), "EOF once the only writer is closed");
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.OPENAT, Opcode.OPENAT2, Opcode.CLOSE})
    void directDescriptorsOpenIntoSlotsAndCloseFromThem(boolean async) throws IOException {
        Path f = file("direct.txt");
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            registerFiles(ring, -1, -1, -1, -1);
            MemorySegment path = arena.allocateFrom(f.toString());
            // slot 2 (file_index 3 on the wire): the read through fixed file 2 below proves the encoding
            Sqe sqe = maybeAsync(ring.getSqe().prepOpenatDirect(FsOps.AT_FDCWD, path, FsOps.O_RDONLY, 0, 2), async);
            assertEquals(0, sqe.flagsMask() & SqeFlag.FIXED_FILE.mask(), "a direct open must not set FIXED_FILE");
            expect(ring, 0);
            MemorySegment buf = arena.allocate(64);
            maybeAsync(ring.getSqe().prepRead(0, buf, CONTENT.length, 0).fixedFile(2), async);
            expect(ring, CONTENT.length);
            assertArrayEquals(CONTENT, bytes(buf.asSlice(0, CONTENT.length)));

            maybeAsync(ring.getSqe().prepCloseDirect(2), async);
            expect(ring, 0);
            maybeAsync(ring.getSqe().prepRead(0, buf, 4, 0).fixedFile(2), async);
            expect(ring, -Errno.EBADF.code());

            maybeAsync(ring.getSqe().prepOpenatDirectAlloc(FsOps.AT_FDCWD, path, FsOps.O_RDONLY, 0), async);
            int slot = submitOne(ring).res();
            assertTrue(slot >= 0 && slot < 4, "allocated slot, got " + Errno.describe(slot));

            MemorySegment how = OpenHow.allocate(arena, FsOps.O_RDONLY, 0, 0);
            int other = slot == 1 ? 3 : 1;
            maybeAsync(ring.getSqe().prepOpenat2Direct(FsOps.AT_FDCWD, path, how, other), async);
            expect(ring, 0);
            maybeAsync(ring.getSqe().prepOpenat2DirectAlloc(FsOps.AT_FDCWD, path, how), async);
            int third = submitOne(ring).res();
            assertTrue(third >= 0 && third != slot && third != other, "a third free slot, got " + third);
            maybeAsync(ring.getSqe().prepRead(0, buf, 4, 0).fixedFile(third), async);
            expect(ring, 4);
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.STATX)
    void statxMatchesJavaFileAttributes(boolean async) throws IOException {
        Path f = file("s.txt");
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_600_000_000_123L));
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            Statx st = Statx.allocate(arena);
            maybeAsync(ring.getSqe().prepStatx(FsOps.AT_FDCWD, arena.allocateFrom(f.toString()), 0,
                    Statx.STATX_BASIC_STATS, st.segment()), async);
            expect(ring, 0);
            assertEquals(Statx.STATX_BASIC_STATS, st.mask() & Statx.STATX_BASIC_STATS);
            assertEquals(Files.size(f), st.size());
            assertEquals(((Number) Files.getAttribute(f, "unix:mode")).intValue(), st.mode());
            assertEquals(((Number) Files.getAttribute(f, "unix:ino")).longValue(), st.ino());
            assertEquals(((Number) Files.getAttribute(f, "unix:nlink")).intValue(), st.nlink());
            assertEquals(((Number) Files.getAttribute(f, "unix:uid")).intValue(), st.uid());
            assertEquals(Files.getLastModifiedTime(f).toInstant(), st.mtime());
            assertTrue(st.isRegularFile());

            try (Fd dirFd = Fd.open(dir, FsOps.O_RDONLY | FsOps.O_DIRECTORY)) {
                Statx ds = Statx.allocate(arena);
                maybeAsync(ring.getSqe().prepStatx(dirFd.fd(), arena.allocateFrom(""), FsOps.AT_EMPTY_PATH,
                        Statx.STATX_TYPE | Statx.STATX_MODE, ds.segment()), async);
                expect(ring, 0);
                assertTrue(ds.isDirectory());
                assertEquals(((Number) Files.getAttribute(dir, "unix:mode")).intValue(), ds.mode());
            }
            maybeAsync(ring.getSqe().prepStatx(FsOps.AT_FDCWD, arena.allocateFrom(dir.resolve("nope").toString()), 0,
                    Statx.STATX_SIZE, st.segment()), async);
            expect(ring, -Errno.ENOENT.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.RENAMEAT)
    void renameatMovesAndNoreplaceRefuses(boolean async) throws IOException {
        Path a = file("a"), c = file("c");
        Path b = dir.resolve("b");
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            maybeAsync(ring.getSqe().prepRenameat(FsOps.AT_FDCWD, arena.allocateFrom(a.toString()),
                    FsOps.AT_FDCWD, arena.allocateFrom(b.toString()), 0), async);
            expect(ring, 0);
            assertFalse(Files.exists(a));
            assertArrayEquals(CONTENT, Files.readAllBytes(b));
            maybeAsync(ring.getSqe().prepRenameat(FsOps.AT_FDCWD, arena.allocateFrom(b.toString()),
                    FsOps.AT_FDCWD, arena.allocateFrom(c.toString()), FsOps.RENAME_NOREPLACE), async);
            expect(ring, -Errno.EEXIST.code());
            assertTrue(Files.exists(b));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.UNLINKAT, Opcode.MKDIRAT})
    void mkdiratAndUnlinkat(boolean async) throws IOException {
        Path f = file("gone");
        Path d = dir.resolve("made");
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined();
             Fd dirFd = Fd.open(dir, FsOps.O_RDONLY | FsOps.O_DIRECTORY)) {
            maybeAsync(ring.getSqe().prepMkdirat(dirFd.fd(), arena.allocateFrom("made"), 0700), async);
            expect(ring, 0);
            assertTrue(Files.isDirectory(d));
            assertEquals(0700, ((Number) Files.getAttribute(d, "unix:mode")).intValue() & 0777);
            maybeAsync(ring.getSqe().prepMkdirat(dirFd.fd(), arena.allocateFrom("made"), 0700), async);
            expect(ring, -Errno.EEXIST.code());

            maybeAsync(ring.getSqe().prepUnlinkat(dirFd.fd(), arena.allocateFrom("made"), 0), async);
            expect(ring, -Errno.EISDIR.code()); // a directory needs AT_REMOVEDIR, as unlinkat(2)
            maybeAsync(ring.getSqe().prepUnlinkat(dirFd.fd(), arena.allocateFrom("made"), FsOps.AT_REMOVEDIR), async);
            expect(ring, 0);
            assertFalse(Files.exists(d));
            maybeAsync(ring.getSqe().prepUnlinkat(FsOps.AT_FDCWD, arena.allocateFrom(f.toString()), 0), async);
            expect(ring, 0);
            assertFalse(Files.exists(f));
            maybeAsync(ring.getSqe().prepUnlinkat(FsOps.AT_FDCWD, arena.allocateFrom(f.toString()), 0), async);
            expect(ring, -Errno.ENOENT.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.SYMLINKAT, Opcode.LINKAT})
    void symlinkatAndLinkat(boolean async) throws IOException {
        Path target = file("target");
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined();
             Fd dirFd = Fd.open(dir, FsOps.O_RDONLY | FsOps.O_DIRECTORY)) {
            maybeAsync(ring.getSqe().prepSymlinkat(arena.allocateFrom("target"), dirFd.fd(), arena.allocateFrom("soft")), async);
            expect(ring, 0);
            Path soft = dir.resolve("soft");
            assertTrue(Files.isSymbolicLink(soft));
            assertEquals(Path.of("target"), Files.readSymbolicLink(soft));

            maybeAsync(ring.getSqe().prepLinkat(dirFd.fd(), arena.allocateFrom("target"), dirFd.fd(),
                    arena.allocateFrom("hard"), 0), async);
            expect(ring, 0);
            Path hard = dir.resolve("hard");
            assertTrue(Files.isSameFile(target, hard));
            assertEquals(2, ((Number) Files.getAttribute(target, "unix:nlink")).intValue());

            // without AT_SYMLINK_FOLLOW linkat links the symlink itself; with it, the target
            maybeAsync(ring.getSqe().prepLinkat(dirFd.fd(), arena.allocateFrom("soft"), dirFd.fd(),
                    arena.allocateFrom("viaSoft"), FsOps.AT_SYMLINK_FOLLOW), async);
            expect(ring, 0);
            assertFalse(Files.isSymbolicLink(dir.resolve("viaSoft")));
            assertEquals(3, ((Number) Files.getAttribute(target, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue());
        }
    }

    @Test
    void pathsMustBeNulTerminatedNativeStrings() {
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            Sqe sqe = ring.getSqe();
            MemorySegment noNul = arena.allocate(4).fill((byte) 'a');
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepOpenat(FsOps.AT_FDCWD, noNul, 0, 0));
            assertTrue(e.getMessage().contains("NUL") && e.getMessage().contains("4"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepMkdirat(FsOps.AT_FDCWD, MemorySegment.ofArray(new byte[] {'x', 0}), 0));
            MemorySegment ok = arena.allocateFrom("/");
            assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepStatx(FsOps.AT_FDCWD, ok, 0, 0, arena.allocate(Statx.BYTES - 1)));
            assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepOpenat2(FsOps.AT_FDCWD, ok, arena.allocate(OpenHow.BYTES - 8)));
            e = assertThrows(IllegalArgumentException.class, () -> sqe.prepCloseDirect(-1));
            assertTrue(e.getMessage().contains("-1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Statx.of(arena.allocate(100)));
        }
    }
}
