package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Vectored I/O, path operations, cancellation and timeouts of the runtime's file layer. */
@Timeout(60)
class AsyncFileMoreTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    /** close() from an interrupted thread still closes the fd before it returns, and keeps the interrupt. */
    @Test
    void closeWhileInterruptedClosesTheFd(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("f");
        Files.write(p, new byte[10]);
        int fds = new java.io.File("/proc/self/fd").list().length;
        AsyncFile f = AsyncFile.open(loops.group(), p);
        assertEquals(fds + 1, new java.io.File("/proc/self/fd").list().length);
        Thread.currentThread().interrupt();
        try {
            f.close();
            assertTrue(Thread.interrupted(), "the interrupt status is kept (and cleared here)");
        } finally {
            Thread.interrupted();
        }
        assertEquals(fds, new java.io.File("/proc/self/fd").list().length, "the fd is closed when close returns");
    }

    @Test
    void vectoredWriteAndReadMixHeapAndDirect(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("v");
        try (AsyncFile f = AsyncFile.open(loops.group(), p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer a = ByteBuffer.wrap("alpha-".getBytes());
            ByteBuffer b = ByteBuffer.allocateDirect(5).put("beta-".getBytes()).flip();
            assertEquals(11, f.write(new ByteBuffer[] {a, b}, 0));
            assertFalse(a.hasRemaining());
            assertFalse(b.hasRemaining());
            ByteBuffer x = ByteBuffer.allocate(3);
            ByteBuffer y = ByteBuffer.allocateDirect(8);
            assertEquals(11, f.read(new ByteBuffer[] {x, y}, 0));
            assertEquals("alp", new String(x.array()));
            byte[] rest = new byte[8];
            y.flip().get(rest);
            assertEquals("ha-beta-", new String(rest));
            ByteBuffer[] allDirect = {ByteBuffer.allocateDirect(4), ByteBuffer.allocateDirect(4)};
            assertEquals(8, f.read(allDirect, 3));
        }
        assertEquals("alpha-beta-", Files.readString(p));
    }

    /** With and without a deadline (a linked timeout that does not fire). */
    @ParameterizedTest(name = "deadline {0}")
    @ValueSource(booleans = {false, true})
    void pathOperations(boolean deadline, @TempDir Path dir) throws Exception {
        Duration t = deadline ? Duration.ofSeconds(5) : null;
        EventLoopGroup g = loops.group();
        Path d = dir.resolve("sub");
        AsyncFiles.createDirectory(g, d, t);
        assertTrue(Files.isDirectory(d));
        assertThrows(FileAlreadyExistsException.class, () -> AsyncFiles.createDirectory(g, d, t));
        Path a = d.resolve("a");
        Files.writeString(a, "x");
        assertThrows(DirectoryNotEmptyException.class, () -> AsyncFiles.deleteDirectory(g, d, t));
        Path b = d.resolve("b");
        AsyncFiles.rename(g, a, b, t);
        assertFalse(Files.exists(a));
        assertEquals("x", Files.readString(b));
        AsyncFiles.delete(g, b, t);
        assertFalse(Files.exists(b));
        assertThrows(NoSuchFileException.class, () -> AsyncFiles.delete(g, b, t));
        AsyncFiles.deleteDirectory(g, d, t);
        assertFalse(Files.exists(d));
        assertThrows(IllegalArgumentException.class, () -> AsyncFiles.delete(g, Path.of("bad\0name"), t));
    }

    @Test
    void pathOperationsRefuseANonPositiveDeadline(@TempDir Path dir) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> AsyncFiles.createDirectory(loops.group(), dir.resolve("x"), Duration.ZERO));
        assertTrue(e.getMessage().contains("PT0S"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AsyncFiles.rename(loops.group(), dir, dir.resolve("y"), Duration.ofSeconds(-1)));
        assertTrue(e.getMessage().contains("PT-1S"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void readOfAnEmptyPipeTimesOutAndItsMemoryComesBack(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor());
        // O_RDWR on a FIFO does not block at open and never sees EOF: a read waits forever.
        try (AsyncFile f = AsyncFile.open(loops.group(), fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long start = System.nanoTime();
            assertThrows(InterruptedByTimeoutException.class, () -> f.read(ByteBuffer.allocate(16), 0, Duration.ofMillis(100)));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 90 && ms < 5000, "timed out after about 100 ms, took " + ms);
            // After a timeout, the file still works.
            assertEquals(3, f.write(ByteBuffer.wrap("abc".getBytes()), 0));
            ByteBuffer got = ByteBuffer.allocate(16);
            assertEquals(3, f.read(got, 0, Duration.ofSeconds(5)));
        }
    }

    /**
     * A request with a deadline that its file's close ends (not the loop's close) is an
     * {@link java.nio.channels.AsynchronousCloseException}, at once, not an
     * {@link InterruptedByTimeoutException} when the deadline passes: the close cancels the
     * file's requests in flight and waits for them before it closes the fd.
     */
    @Test
    void aReadWithADeadlineEndedByItsFilesCloseIsAnAsynchronousClose(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo-close");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        AsyncFile f = AsyncFile.open(loops.group(), fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        f.timeout(Duration.ofSeconds(30));
        CompletableFuture<Integer> perCall = f.readAsync(ByteBuffer.allocate(8), 0, Duration.ofSeconds(30));
        CompletableFuture<Integer> byDefault = f.readAsync(ByteBuffer.allocateDirect(8), 0);
        CompletableFuture<Long> vectored = f.readAsync(new ByteBuffer[] {ByteBuffer.allocate(4)}, 0);
        CompletableFuture<Throwable> handler = new CompletableFuture<>();
        f.read(ByteBuffer.allocateDirect(8), 0, null, new java.nio.channels.CompletionHandler<Integer, Object>() {
            @Override
            public void completed(Integer n, Object a) {
                handler.complete(null);
            }

            @Override
            public void failed(Throwable t, Object a) {
                handler.complete(t);
            }
        });
        Thread.sleep(200); // in the kernel, waiting for data that never comes
        assertFalse(perCall.isDone() || byDefault.isDone() || vectored.isDone() || handler.isDone());
        long start = System.nanoTime();
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                f.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        for (CompletableFuture<?> r : List.of(perCall, byDefault, vectored)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> r.get(10, TimeUnit.SECONDS));
            assertInstanceOf(java.nio.channels.AsynchronousCloseException.class, e.getCause(), "ended by the file's close");
        }
        assertInstanceOf(java.nio.channels.AsynchronousCloseException.class, handler.get(10, TimeUnit.SECONDS));
        closer.join(10_000);
        assertFalse(closer.isAlive(), "close returned");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 5000, "ended by the close, not by the 30 s deadline: took " + ms + " ms");
        assertFalse(f.isOpen());
        var e = assertThrows(ExecutionException.class, () -> f.readAsync(ByteBuffer.allocate(1), 0).get(5, TimeUnit.SECONDS));
        assertInstanceOf(java.nio.channels.ClosedChannelException.class, e.getCause());
    }

    @Test
    void cancelStormOnPendingReads(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo2");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        long afterFirstRound = 0;
        try (AsyncFile f = AsyncFile.open(loops.group(), fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int round = 0; round < 5; round++) {
                List<CompletableFuture<Integer>> reads = new ArrayList<>();
                for (int i = 0; i < 500; i++) reads.add(f.readAsync(ByteBuffer.allocate(64), 0));
                for (CompletableFuture<Integer> r : reads) r.cancel(false);
                for (CompletableFuture<Integer> r : reads) {
                    assertThrows(CancellationException.class, () -> r.get(5, TimeUnit.SECONDS));
                }
                // Barrier: the cancels were queued before this write, so once a fresh read sees the
                // byte, every cancelled read has had its CQE and given its slot back.
                CompletableFuture<Integer> fresh = f.readAsync(ByteBuffer.allocate(8), 0);
                f.write(ByteBuffer.wrap("w".getBytes()), 0);
                assertEquals(1, fresh.get(5, TimeUnit.SECONDS));
                if (round == 0) afterFirstRound = EventLoopGroup.nativeBytes();
            }
            // A leak of the 2000 later reads would be megabytes; the pools' high-water mark may move
            // by a buffer or two with timing (a barrier read prepared before the last CQE was seen).
            long growth = EventLoopGroup.nativeBytes() - afterFirstRound;
            assertTrue(growth <= 4 * 4096, "slots and buffers are reused, not leaked: grew by " + growth + " bytes");
            // every cancelled read reached its CQE: a write is now read by a fresh read, not a stale one
            CompletableFuture<Integer> read = f.readAsync(ByteBuffer.allocate(8), 0);
            f.write(ByteBuffer.wrap("z".getBytes()), 0);
            assertEquals(1, read.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void cancelledOpenClosesTheFdItProduced(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("o");
        Files.writeString(p, "o");
        int before = new java.io.File("/proc/self/fd").list().length;
        for (int i = 0; i < 200; i++) {
            CompletableFuture<AsyncFile> f = AsyncFile.openAsync(loops.group().next(), p);
            f.cancel(false);
            try {
                f.get(5, TimeUnit.SECONDS).close();
            } catch (CancellationException | ExecutionException expected) {
                // cancelled before the open completed: the runtime must close the fd itself
            }
        }
        // a close through the loop flushes everything queued before it
        try (AsyncFile g = AsyncFile.open(loops.group(), p)) {
            assertTrue(g.isOpen());
        }
        assertEquals(before, new java.io.File("/proc/self/fd").list().length, "no fd leaked by cancelled opens");
    }

    @Test
    void registeredFilesUseAFixedSlot(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("reg");
        try (AsyncFile f = AsyncFile.open(loops.group(), p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, FileOpenOption.REGISTERED)) {
            assertTrue(f.loop().submit(r -> r.complete(f.slot())).get(5, TimeUnit.SECONDS) instanceof Integer slot && slot >= 0,
                    "the file got a registered slot");
            assertEquals(5, f.write(ByteBuffer.wrap("fixed".getBytes()), 0));
            f.fsync();
            ByteBuffer b = ByteBuffer.allocate(5);
            assertEquals(5, f.read(b, 0));
            assertEquals("fixed", new String(b.array()));
            assertEquals(2, f.read(new ByteBuffer[] {ByteBuffer.allocate(1), ByteBuffer.allocate(1)}, 3));
            // a heap read of a registered file goes through a registered pooled buffer, which the
            // pool hands out again first (LIFO)
            assertEquals(5, f.read(ByteBuffer.allocate(5), 0));
            Object index = f.loop().submit(r -> {
                NativeBuffer pooled = f.loop().buffers().acquire(5);
                f.loop().buffers().release(pooled);
                r.complete(pooled.fixedIndex);
            }).get(5, TimeUnit.SECONDS);
            assertTrue(index instanceof Integer i && i >= 0, "the pooled buffer is registered, index " + index);
        }
        Path copy = dir.resolve("copy");
        assertEquals(5, AsyncFiles.copy(loops.group(), p, copy));
        assertEquals("fixed", Files.readString(copy));
    }

    @Test
    void confinedMemorySegmentsAreCopiedNeverHandedToTheKernel(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("seg");
        try (AsyncFile f = AsyncFile.open(loops.group(), p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment src = arena.allocateFrom("segment data");
            assertEquals(src.byteSize(), f.write(src, 0));
            java.lang.foreign.MemorySegment dst = arena.allocate(64);
            assertEquals(src.byteSize(), f.read(dst, 0));
            assertEquals("segment data", dst.getString(0));
        }
    }

    @Test
    void everyRequestOfAFileCanCarryADeadline(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo3");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        try (AsyncFile f = AsyncFile.open(loops.group(), fifo, Duration.ofSeconds(5), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            f.timeout(Duration.ofMillis(100));
            assertEquals(Duration.ofMillis(100), f.timeout());
            long start = System.nanoTime();
            assertThrows(InterruptedByTimeoutException.class, () -> f.read(ByteBuffer.allocate(8), 0));
            assertThrows(InterruptedByTimeoutException.class,
                    () -> f.read(new ByteBuffer[] {ByteBuffer.allocate(4), ByteBuffer.allocate(4)}, 0));
            assertTrue((System.nanoTime() - start) / 1_000_000 < 5000, "both timed out promptly");
            f.timeout(null);
            assertEquals(2, f.write(ByteBuffer.wrap("ok".getBytes()), 0), "works again without a deadline");
            assertThrows(IllegalArgumentException.class, () -> f.timeout(Duration.ZERO));
        }
    }

    /**
     * A negative or zero per-call deadline is refused before anything reaches the loop: it used to
     * throw on the loop after the request's SQE was prepared with IOSQE_IO_LINK, linking the next
     * request of the loop to it and leaking the operation slot.
     */
    @Test
    void aBadPerCallDeadlineIsRefusedAndTheLoopGoesOn(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("f");
        Files.write(p, "0123456789".getBytes());
        try (AsyncFile f = AsyncFile.open(loops.group(), p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (Duration bad : List.of(Duration.ofSeconds(-1), Duration.ZERO)) {
                var e = assertThrows(ExecutionException.class, () -> f.readAsync(ByteBuffer.allocate(4), 0, bad).get(5, TimeUnit.SECONDS));
                assertInstanceOf(IllegalArgumentException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains(bad.toString()), e.getCause().getMessage());
                e = assertThrows(ExecutionException.class, () -> f.writeAsync(ByteBuffer.allocate(4), 0, bad).get(5, TimeUnit.SECONDS));
                assertInstanceOf(IllegalArgumentException.class, e.getCause());
                assertThrows(IllegalArgumentException.class, () -> f.write(ByteBuffer.allocate(4), 0, bad));
                assertThrows(IllegalArgumentException.class, () -> AsyncFile.open(loops.group(), p, bad));
            }
            for (int i = 0; i < 50; i++) { // the loop's next requests are not linked to anything
                ByteBuffer b = ByteBuffer.allocate(10);
                assertEquals(10, f.read(b, 0, Duration.ofSeconds(5)));
                assertEquals(4, f.write(ByteBuffer.wrap("abcd".getBytes()), 0, Duration.ofSeconds(5)));
            }
        }
    }

    /** Read-only buffers (heap: no array to copy from; direct: a read-only segment) can be written, single and vectored. */
    @Test
    void readOnlyBuffersCanBeWritten(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("ro");
        try (AsyncFile f = AsyncFile.open(loops.group(), p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer heap = ByteBuffer.wrap("xxheapxx".getBytes()).position(2).limit(6).slice().asReadOnlyBuffer();
            ByteBuffer direct = ByteBuffer.allocateDirect(6).put("direct".getBytes()).flip().asReadOnlyBuffer();
            assertEquals(4, f.write(heap, 0));
            assertEquals(4, heap.position());
            assertEquals(6, f.write(direct, 4));
            heap.rewind();
            direct.rewind();
            assertEquals(10L, f.write(new ByteBuffer[] {heap, direct}, 10));
            assertEquals(10L, f.write(new ByteBuffer[] {direct.rewind(), ByteBuffer.allocateDirect(0), heap.rewind()}, 20));
        }
        assertEquals("heapdirectheapdirectdirectheap", Files.readString(p));
    }
}
