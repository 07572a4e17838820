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
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.uring4j.core.OpTesting.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** READ/WRITE and their vectored, fixed and multishot variants, SPLICE and TEE on real files and pipes. */
@Timeout(30)
class FileOpsTest {

    @TempDir
    Path dir;

    private static final byte[] HELLO = "hello, io_uring".getBytes(StandardCharsets.US_ASCII);

    private Path fileWith(byte[] content) throws IOException {
        Path f = Files.createTempFile(dir, "data", ".bin");
        Files.write(f, content);
        return f;
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.READ, Opcode.WRITE})
    void readAndWriteMatchTheFile(boolean async) throws IOException {
        Path f = fileWith(new byte[0]);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(f, FsOps.O_RDWR)) {
            maybeAsync(ring.getSqe().prepWrite(fd.fd(), segmentOf(arena, HELLO), 0).userData(1), async);
            expect(ring, HELLO.length);
            assertArrayEquals(HELLO, Files.readAllBytes(f));

            MemorySegment buf = arena.allocate(64);
            maybeAsync(ring.getSqe().prepRead(fd.fd(), buf, 7, 0).userData(2), async);
            expect(ring, 7);
            assertArrayEquals(Arrays.copyOf(HELLO, 7), bytes(buf.asSlice(0, 7)));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.READV, Opcode.WRITEV})
    void vectoredWriteThenReadScatterAcrossBuffers(boolean async) throws IOException {
        Path f = fileWith(new byte[0]);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(f, FsOps.O_RDWR)) {
            MemorySegment a = segmentOf(arena, "abc".getBytes(StandardCharsets.US_ASCII));
            MemorySegment b = segmentOf(arena, "defgh".getBytes(StandardCharsets.US_ASCII));
            MemorySegment iov = Iovecs.allocate(arena, a, b);
            maybeAsync(ring.getSqe().prepWritev(fd.fd(), iov, 2, 0).userData(1), async);
            expect(ring, 8);
            assertEquals("abcdefgh", Files.readString(f));

            MemorySegment x = arena.allocate(2), y = arena.allocate(6);
            MemorySegment riov = Iovecs.allocate(arena, x, y);
            maybeAsync(ring.getSqe().prepReadv(fd.fd(), riov, 2, 0).userData(2), async);
            expect(ring, 8);
            assertEquals("ab", new String(bytes(x), StandardCharsets.US_ASCII));
            assertEquals("cdefgh", new String(bytes(y), StandardCharsets.US_ASCII));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.READV, Opcode.WRITEV})
    void vectoredV2PassesRwFlags(boolean async) throws IOException {
        Path f = fileWith("0123456789".getBytes(StandardCharsets.US_ASCII));
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(f, FsOps.O_RDWR)) {
            // RWF_APPEND ignores the offset and appends, as pwritev2(2) does
            MemorySegment iov = Iovecs.allocate(arena, segmentOf(arena, "XY".getBytes(StandardCharsets.US_ASCII)));
            maybeAsync(ring.getSqe().prepWritev2(fd.fd(), iov, 1, 0, FileOps.RWF_APPEND).userData(1), async);
            expect(ring, 2);
            assertEquals("0123456789XY", Files.readString(f));

            MemorySegment buf = arena.allocate(4);
            maybeAsync(ring.getSqe().prepReadv2(fd.fd(), Iovecs.allocate(arena, buf), 1, 8, 0).userData(2), async);
            expect(ring, 4);
            assertEquals("89XY", new String(bytes(buf), StandardCharsets.US_ASCII));

            // an unknown RWF bit is refused by the kernel, proving rw_flags reaches it
            maybeAsync(ring.getSqe().prepReadv2(fd.fd(), Iovecs.allocate(arena, buf), 1, 0, 1 << 30).userData(3), async);
            expect(ring, -Errno.EOPNOTSUPP.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.READ_FIXED, Opcode.WRITE_FIXED})
    void fixedBuffersReadAndWrite(boolean async) throws IOException {
        Path f = fileWith(new byte[0]);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(f, FsOps.O_RDWR)) {
            MemorySegment out = arena.allocate(4096, 4096);
            MemorySegment in = arena.allocate(4096, 4096);
            registerBuffers(ring, out, in);
            out.asSlice(0, HELLO.length).copyFrom(MemorySegment.ofArray(HELLO));
            maybeAsync(ring.getSqe().prepWriteFixed(fd.fd(), out, HELLO.length, 100, 0).userData(1), async);
            expect(ring, HELLO.length);
            byte[] file = Files.readAllBytes(f);
            assertEquals(100 + HELLO.length, file.length);
            assertArrayEquals(HELLO, Arrays.copyOfRange(file, 100, file.length));

            MemorySegment dst = in.asSlice(10, 64); // any sub-range of the registered buffer works
            maybeAsync(ring.getSqe().prepReadFixed(fd.fd(), dst, HELLO.length, 100, 1).userData(2), async);
            expect(ring, HELLO.length);
            assertArrayEquals(HELLO, bytes(dst.asSlice(0, HELLO.length)));

            // a buffer outside registered buffer 1 is refused by the kernel
            maybeAsync(ring.getSqe().prepReadFixed(fd.fd(), out, 16, 0, 1).userData(3), async);
            expect(ring, -Errno.EFAULT.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.READV_FIXED, Opcode.WRITEV_FIXED})
    void vectoredFixedBuffers(boolean async) throws IOException {
        requires(Opcode.READV_FIXED);
        requires(Opcode.WRITEV_FIXED);
        Path f = fileWith(new byte[0]);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(f, FsOps.O_RDWR)) {
            MemorySegment reg = arena.allocate(8192, 4096);
            registerBuffers(ring, reg);
            MemorySegment a = reg.asSlice(0, 3).copyFrom(MemorySegment.ofArray("one".getBytes(StandardCharsets.US_ASCII)));
            MemorySegment b = reg.asSlice(5000, 3).copyFrom(MemorySegment.ofArray("two".getBytes(StandardCharsets.US_ASCII)));
            maybeAsync(ring.getSqe().prepWritevFixed(fd.fd(), Iovecs.allocate(arena, a, b), 2, 0, 0, 0).userData(1), async);
            expect(ring, 6);
            assertEquals("onetwo", Files.readString(f));

            MemorySegment x = reg.asSlice(100, 4), y = reg.asSlice(6000, 2);
            maybeAsync(ring.getSqe().prepReadvFixed(fd.fd(), Iovecs.allocate(arena, x, y), 2, 0, 0, 0).userData(2), async);
            expect(ring, 6);
            assertEquals("onet", new String(bytes(x), StandardCharsets.US_ASCII));
            assertEquals("wo", new String(bytes(y), StandardCharsets.US_ASCII));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.READ_MULTISHOT)
    void multishotReadPostsOneCqePerWriteIntoProvidedBuffers(boolean async) {
        requires(Opcode.READ_MULTISHOT);
        try (IoUring ring = IoUring.open(16); Arena arena = Arena.ofConfined(); Pipe pipe = Pipe.open(FsOps.O_NONBLOCK)) {
            int group = 3, size = 32;
            MemorySegment bufs = arena.allocate(size * 4);
            provideBuffers(ring, bufs, size, 4, group);
            maybeAsync(ring.getSqe().prepReadMultishot(pipe.readFd(), 0, 0, group).userData(9), async);
            assertEquals(1, ring.submit());
            for (String msg : List.of("first", "second!")) {
                byte[] data = msg.getBytes(StandardCharsets.US_ASCII);
                assertEquals(data.length, Posix.write(pipe.writeFd(), segmentOf(arena, data), data.length));
                Completion c = await(ring);
                assertEquals(9, c.userData());
                assertEquals(data.length, c.res(), c::toString);
                assertTrue(c.more(), "multishot read stays armed: " + c);
                int bid = CqeFlag.bufferId(c.flags());
                assertTrue(bid >= 0 && bid < 4, "a provided buffer id, got " + bid);
                assertArrayEquals(data, bytes(bufs.asSlice((long) bid * size, data.length)));
            }
            // closing the write end ends the stream: a final CQE without MORE
            pipe.closeWrite();
            Completion last = await(ring);
            assertFalse(last.more(), last::toString);
        }
    }

    @Test
    @Covers(Opcode.READ_MULTISHOT)
    void multishotReadOnRegularFileFailsWithEbadfd() throws IOException {
        requires(Opcode.READ_MULTISHOT);
        Path f = fileWith(HELLO);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(f, FsOps.O_RDONLY)) {
            provideBuffers(ring, arena.allocate(64), 64, 1, 1);
            Sqe sqe = ring.getSqe().prepReadMultishot(fd.fd(), 0, 0, 1);
            assertTrue(SqeFlag.BUFFER_SELECT.isSet(sqe.flagsMask()));
            expect(ring, -Errno.EBADFD.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.SPLICE)
    void spliceMovesFileBytesThroughAPipe(boolean async) throws IOException {
        Path src = fileWith(HELLO);
        Path dst = fileWith(new byte[0]);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe pipe = Pipe.open(0);
             Fd in = Fd.open(src, FsOps.O_RDONLY); Fd out = Fd.open(dst, FsOps.O_WRONLY)) {
            maybeAsync(ring.getSqe().prepSplice(in.fd(), 6, pipe.writeFd(), -1, 64, 0).userData(1), async);
            expect(ring, HELLO.length - 6);
            maybeAsync(ring.getSqe().prepSplice(pipe.readFd(), -1, out.fd(), 0, 64, 0).userData(2), async);
            expect(ring, HELLO.length - 6);
            assertArrayEquals(Arrays.copyOfRange(HELLO, 6, HELLO.length), Files.readAllBytes(dst));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.TEE)
    void teeDuplicatesPipeContentWithoutConsumingIt(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe a = Pipe.open(0); Pipe b = Pipe.open(0)) {
            assertEquals(HELLO.length, Posix.write(a.writeFd(), segmentOf(arena, HELLO), HELLO.length));
            maybeAsync(ring.getSqe().prepTee(a.readFd(), b.writeFd(), 64, 0).userData(1), async);
            expect(ring, HELLO.length);
            MemorySegment buf = arena.allocate(64);
            assertEquals(HELLO.length, Posix.read(b.readFd(), buf, 64));
            assertArrayEquals(HELLO, bytes(buf.asSlice(0, HELLO.length)));
            assertEquals(HELLO.length, Posix.read(a.readFd(), buf, 64), "tee leaves the source pipe's data in place");
            assertArrayEquals(HELLO, bytes(buf.asSlice(0, HELLO.length)));
        }
    }

    @Test
    void segmentArgumentsAreChecked() {
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            Sqe sqe = ring.getSqe();
            MemorySegment small = arena.allocate(8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sqe.prepRead(0, small, 9, 0));
            assertTrue(e.getMessage().contains("0..8") && e.getMessage().contains("9"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> sqe.prepWrite(0, MemorySegment.ofArray(new byte[4]), 0));
            assertTrue(e.getMessage().contains("native"), e.getMessage());
            MemorySegment oneIovec = Iovecs.allocate(arena, 1);
            e = assertThrows(IllegalArgumentException.class, () -> sqe.prepReadv(0, oneIovec, 2, 0));
            assertTrue(e.getMessage().contains("32") && e.getMessage().contains("16"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> sqe.prepReadFixed(0, small, 0, 70000));
            assertTrue(e.getMessage().contains("70000"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sqe.prepWritevFixed(0, oneIovec, -1, 0, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepSplice(0, 0, 1, 0, -1, 0));
            assertThrows(IllegalArgumentException.class, () -> Iovecs.set(oneIovec, 0, small, 9));
            assertThrows(IndexOutOfBoundsException.class, () -> Iovecs.set(oneIovec, 1, small));
        }
    }

    @Test
    void helpersFillTheFieldsLiburingFills() {
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            MemorySegment iov = Iovecs.allocate(arena, arena.allocate(10), arena.allocate(20));
            assertEquals(30, Iovecs.totalLength(iov, 2));
            Sqe sqe = ring.getSqe().prepReadvFixed(5, iov, 2, 77, FileOps.RWF_NOWAIT, 3);
            assertEquals(Opcode.READV_FIXED.code(), sqe.opcode());
            assertEquals(5, sqe.getFd());
            assertEquals(iov.address(), sqe.getAddr());
            assertEquals(2, sqe.getLen());
            assertEquals(77, sqe.getOff());
            assertEquals(FileOps.RWF_NOWAIT, sqe.getOpFlags());
            sqe.prepSplice(3, 11, 4, 22, 100, FileOps.SPLICE_F_MOVE);
            assertEquals(4, sqe.getFd());
            assertEquals(11, sqe.getAddr(), "splice_off_in");
            assertEquals(22, sqe.getOff());
            assertEquals(FileOps.SPLICE_F_MOVE, sqe.getOpFlags());
        }
    }
}
