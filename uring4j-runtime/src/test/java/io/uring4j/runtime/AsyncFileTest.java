package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class AsyncFileTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(2);

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void writeThenReadBackHeapAndDirect(boolean directBuffers, @TempDir Path dir) throws Exception {
        Path p = dir.resolve("data");
        byte[] data = new byte[100_000];
        new Random(7).nextBytes(data);
        try (AsyncFile f = AsyncFile.open(loops.group(), p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer src = directBuffers ? ByteBuffer.allocateDirect(data.length).put(data).flip() : ByteBuffer.wrap(data);
            int written = 0;
            while (src.hasRemaining()) written += f.write(src, written);
            assertEquals(data.length, written);
            assertEquals(data.length, f.size());
            f.fsync();
            ByteBuffer dst = directBuffers ? ByteBuffer.allocateDirect(data.length) : ByteBuffer.allocate(data.length);
            int read = 0;
            while (dst.hasRemaining()) {
                int n = f.read(dst, read);
                assertTrue(n > 0);
                read += n;
            }
            dst.flip();
            byte[] back = new byte[data.length];
            dst.get(back);
            assertArrayEquals(data, back);
            assertEquals(-1, f.read(ByteBuffer.allocate(10), data.length), "end of file");
        }
        assertArrayEquals(data, Files.readAllBytes(p), "what the kernel wrote is on disk");
    }

    @Test
    void manyConcurrentReadsFromVirtualThreads(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("blocks");
        byte[] data = new byte[4096 * 64];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i / 4096);
        Files.write(p, data);
        try (AsyncFile f = AsyncFile.open(loops.group(), p);
             var exec = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 200; t++) {
                int block = t % 64;
                results.add(exec.submit(() -> {
                    ByteBuffer b = ByteBuffer.allocate(4096);
                    int n = f.read(b, block * 4096L);
                    return n == 4096 && b.get(0) == (byte) block && b.get(4095) == (byte) block;
                }));
            }
            for (var r : results) assertTrue(r.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void missingFileGivesNoSuchFileException(@TempDir Path dir) {
        Path p = dir.resolve("absent");
        var e = assertThrows(NoSuchFileException.class, () -> AsyncFile.open(loops.group(), p));
        assertTrue(e.getMessage().contains("absent"), e.getMessage());
    }

    @Test
    void badInputFailsClearly(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("f");
        Files.write(p, "hello".getBytes(StandardCharsets.UTF_8));
        AsyncFile f = AsyncFile.open(loops.group(), p);
        var neg = assertThrows(IllegalArgumentException.class, () -> f.read(ByteBuffer.allocate(4), -1));
        assertTrue(neg.getMessage().contains("given -1"), neg.getMessage());
        f.close();
        f.close();
        assertThrows(ClosedChannelException.class, () -> f.read(ByteBuffer.allocate(4), 0));
    }

    /**
     * A read that asks for no bytes reads 0, not end of file (as FileChannel), and the position
     * advances from where the request found it, in every form.
     */
    @Test
    void aReadOfNoBytesIsZeroAndEndOfFileIsMinusOne(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("f");
        Files.write(p, "hello".getBytes(StandardCharsets.UTF_8));
        try (AsyncFile f = AsyncFile.open(loops.group(), p)) {
            for (ByteBuffer empty : new ByteBuffer[] {ByteBuffer.allocate(0), ByteBuffer.allocateDirect(8).position(8)}) {
                assertEquals(0, f.read(empty, 0), "nothing asked: " + empty);
                assertEquals(0L, f.read(new ByteBuffer[] {empty}, 0), "vectored, nothing asked: " + empty);
            }
            ByteBuffer some = ByteBuffer.allocateDirect(8).position(3);
            assertEquals(-1, f.read(some, 5), "end of file");
            assertEquals(3, some.position());
            assertEquals(-1L, f.read(new ByteBuffer[] {some}, 5), "vectored: end of file");
            assertEquals(5, f.read(some, 0));
            assertEquals(8, some.position(), "advanced from the position the read started at");
        }
    }

    @Test
    void directIoRefusesUnalignedBuffers(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("direct");
        Files.write(p, new byte[8192]);
        try (AsyncFile f = AsyncFile.open(loops.group(), p, FileOpenOption.DIRECT)) {
            var e = assertThrows(IllegalArgumentException.class, () -> f.read(ByteBuffer.allocateDirect(100), 0));
            assertTrue(e.getMessage().contains("aligned"), e.getMessage());
            ByteBuffer aligned = ByteBuffer.allocateDirect(8192 + 4096).alignedSlice(4096).limit(4096);
            // A 512-byte length at a position 8 bytes into the aligned buffer: the address is off.
            var off = assertThrows(IllegalArgumentException.class, () -> f.read(aligned.clear().position(8).limit(520), 0));
            assertTrue(off.getMessage().contains("8 bytes past a 512-byte boundary"), off.getMessage());
            assertEquals(4096, f.read(aligned.clear().limit(4096), 4096));
            // The same buffer from an aligned position: accepted.
            assertEquals(512, f.read(aligned.clear().position(512).limit(1024), 0));
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("O_DIRECT not supported on this filesystem: " + e.getMessage());
        }
    }

    @Test
    void closingAGroupWithReadsInFlightFreesEverything(@TempDir Path dir) throws Exception {
        long before = EventLoopGroup.nativeBytes();
        int fdsBefore = new java.io.File("/proc/self/fd").list().length;
        Path p = dir.resolve("many");
        Files.write(p, new byte[1 << 20]);
        EventLoopGroup g = EventLoopGroup.create(1);
        AsyncFile f = AsyncFile.open(g, p);
        List<CompletableFuture<Integer>> inFlight = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            inFlight.add(f.readAsync(ByteBuffer.allocate(512), (i * 512L) % (1 << 20)));
        }
        g.close();
        for (CompletableFuture<Integer> r : inFlight) {
            assertTrue(r.isDone(), "every request completed (or was cancelled) before close returned");
        }
        assertEquals(before, EventLoopGroup.nativeBytes(), "native memory back to where it started");
        assertEquals(fdsBefore, new java.io.File("/proc/self/fd").list().length, "no fd leaked");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4095, 4096, 1 << 20, (3 << 20) + 12345})
    void copyIsExact(int size, @TempDir Path dir) throws Exception {
        Path src = dir.resolve("src");
        Path dst = dir.resolve("dst");
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Files.write(src, data);
        Files.write(dst, new byte[7]); // replaced by the copy
        assertEquals(size, AsyncFiles.copy(loops.group(), src, dst, 64 * 1024, 4, null, StandardCopyOption.REPLACE_EXISTING));
        assertArrayEquals(data, Files.readAllBytes(dst));
    }
}
