package io.uring4j.core;

import io.uring4j.core.OpTesting.Fd;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;

import static io.uring4j.core.OpTesting.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The xattr family, cross-checked with Java's user-defined attribute view (the "user." namespace). */
@Timeout(30)
class XattrOpsTest {

    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void createFile() throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(UserDefinedFileAttributeView.class),
                "the temp file system has no user xattrs");
        file = Files.writeString(dir.resolve("x.txt"), "x");
    }

    private UserDefinedFileAttributeView view() {
        return Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    }

    private String javaGet(String name) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(view().size(name));
        view().read(name, buf);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }

    private static MemorySegment ascii(Arena arena, String s) {
        return segmentOf(arena, s.getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.FSETXATTR)
    void fsetxattrIsVisibleToJava(boolean async) throws IOException {
        requires(Opcode.FSETXATTR);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(file, FsOps.O_RDWR)) {
            MemorySegment name = arena.allocateFrom("user.colour");
            MemorySegment value = ascii(arena, "blue");
            maybeAsync(ring.getSqe().prepFsetxattr(fd.fd(), name, value, 0, 4), async);
            expect(ring, 0);
            assertEquals("blue", javaGet("colour"));
            maybeAsync(ring.getSqe().prepFsetxattr(fd.fd(), name, value, XattrOps.XATTR_CREATE, 4), async);
            expect(ring, -Errno.EEXIST.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.SETXATTR)
    void setxattrByPath(boolean async) throws IOException {
        requires(Opcode.SETXATTR);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toString());
            MemorySegment value = ascii(arena, "green-ish");
            maybeAsync(ring.getSqe().prepSetxattr(arena.allocateFrom("user.shade"), value, path, 0, 5), async);
            expect(ring, 0);
            assertEquals("green", javaGet("shade"), "only len bytes are stored");
            maybeAsync(ring.getSqe().prepSetxattr(arena.allocateFrom("user.absent"), value, path, XattrOps.XATTR_REPLACE, 5), async);
            expect(ring, -Errno.ENODATA.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.FGETXATTR)
    void fgetxattrReadsWhatJavaWrote(boolean async) throws IOException {
        requires(Opcode.FGETXATTR);
        view().write("mime", StandardCharsets.UTF_8.encode("text/plain"));
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(file, FsOps.O_RDONLY)) {
            MemorySegment value = arena.allocate(64);
            maybeAsync(ring.getSqe().prepFgetxattr(fd.fd(), arena.allocateFrom("user.mime"), value, 64), async);
            expect(ring, 10);
            assertEquals("text/plain", new String(bytes(value.asSlice(0, 10)), StandardCharsets.US_ASCII));
            maybeAsync(ring.getSqe().prepFgetxattr(fd.fd(), arena.allocateFrom("user.mime"), value, 3), async);
            expect(ring, -Errno.ERANGE.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.GETXATTR)
    void getxattrByPath(boolean async) throws IOException {
        requires(Opcode.GETXATTR);
        view().write("k", StandardCharsets.UTF_8.encode("v1"));
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toString());
            MemorySegment value = arena.allocate(16);
            maybeAsync(ring.getSqe().prepGetxattr(arena.allocateFrom("user.k"), value, path, 16), async);
            expect(ring, 2);
            assertEquals("v1", new String(bytes(value.asSlice(0, 2)), StandardCharsets.US_ASCII));
            maybeAsync(ring.getSqe().prepGetxattr(arena.allocateFrom("user.none"), value, path, 16), async);
            expect(ring, -Errno.ENODATA.code());
        }
    }

    @Test
    void valueLengthIsBoundedByTheSegment() {
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            Sqe sqe = ring.getSqe();
            MemorySegment name = arena.allocateFrom("user.a");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepFgetxattr(0, name, arena.allocate(4), 5));
            assertTrue(e.getMessage().contains("0..4") && e.getMessage().contains("5"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepSetxattr(name, arena.allocate(4), arena.allocate(3).fill((byte) 'p'), 0, 1));
        }
    }
}
