package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** AsyncFile's CompletionHandler forms: results on the loop thread, chains issued from handlers, failures. */
@Timeout(60)
class AsyncFileHandlerTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    /** A handler that completes a future and records whether it ran on the file's loop. */
    static final class ToFuture implements CompletionHandler<Integer, AsyncFile> {
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        volatile boolean onLoop;

        @Override
        public void completed(Integer n, AsyncFile file) {
            onLoop = file.loop().inEventLoop();
            result.complete(n);
        }

        @Override
        public void failed(Throwable t, AsyncFile file) {
            onLoop = file.loop().inEventLoop();
            result.completeExceptionally(t);
        }

        int await() throws Exception {
            return result.get(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "direct buffer {0}, registered file {1}")
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void writeThenReadBackFromAnotherThread(boolean directBuffer, boolean registered, @TempDir Path dir) throws Exception {
        byte[] data = new byte[10_000];
        new Random(3).nextBytes(data);
        OpenOption[] options = registered
                ? new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE, FileOpenOption.REGISTERED}
                : new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE};
        try (AsyncFile f = AsyncFile.open(loops.group(), dir.resolve("f"), options)) {
            ByteBuffer src = directBuffer ? ByteBuffer.allocateDirect(data.length).put(data).flip() : ByteBuffer.wrap(data);
            ToFuture w = new ToFuture();
            f.write(src, 100, f, w);
            assertEquals(data.length, w.await());
            assertTrue(w.onLoop, "the handler runs on the loop thread");
            assertFalse(src.hasRemaining(), "the write advanced the buffer's position");

            ByteBuffer dst = directBuffer ? ByteBuffer.allocateDirect(data.length + 50) : ByteBuffer.allocate(data.length + 50);
            ToFuture r = new ToFuture();
            f.read(dst, 100, f, r);
            assertEquals(data.length, r.await(), "short read at end of file");
            assertTrue(r.onLoop);
            byte[] back = new byte[data.length];
            dst.flip().get(back);
            assertArrayEquals(data, back);

            ToFuture eof = new ToFuture();
            f.read(ByteBuffer.allocate(8), 100 + data.length, f, eof);
            assertEquals(-1, eof.await(), "end of file");
        }
    }

    /** Each completion issues the next read from the loop thread: the zero-allocation path. */
    @ParameterizedTest(name = "direct buffer {0}")
    @CsvSource({"false", "true"})
    void readsChainedFromTheHandlerCoverTheFile(boolean directBuffer, @TempDir Path dir) throws Exception {
        int blocks = 300;
        byte[] data = new byte[4096 * blocks];
        for (int i = 0; i < data.length; i += 4096) data[i] = (byte) (i / 4096);
        Path p = dir.resolve("blocks");
        Files.write(p, data);
        try (AsyncFile f = AsyncFile.open(loops.group(), p, FileOpenOption.REGISTERED)) {
            ByteBuffer buf = directBuffer ? ByteBuffer.allocateDirect(4096) : ByteBuffer.allocate(4096);
            CompletableFuture<Integer> done = new CompletableFuture<>();
            AtomicInteger wrong = new AtomicInteger();
            f.read(buf, 0, 0, new CompletionHandler<Integer, Integer>() {
                @Override
                public void completed(Integer n, Integer block) {
                    if (n != 4096 || buf.get(0) != (byte) (int) block || !f.loop().inEventLoop()) wrong.incrementAndGet();
                    int next = block + 1;
                    if (next == blocks) {
                        done.complete(next);
                        return;
                    }
                    f.read(buf.clear(), 4096L * next, next, this);
                }

                @Override
                public void failed(Throwable t, Integer block) {
                    done.completeExceptionally(t);
                }
            });
            assertEquals(blocks, done.get(20, TimeUnit.SECONDS));
            assertEquals(0, wrong.get(), "reads with a wrong count, wrong data or off the loop thread");
        }
    }

    @Test
    void badArgumentsAndAClosedFileReachFailed(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("x");
        Files.write(p, new byte[16]);
        AsyncFile f = AsyncFile.open(loops.group(), p);
        ToFuture negative = new ToFuture();
        f.read(ByteBuffer.allocate(4), -5, f, negative);
        Exception e = assertThrows(Exception.class, negative::await);
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("-5"), e.getCause().getMessage());
        assertThrows(NullPointerException.class, () -> f.read(ByteBuffer.allocate(4), 0, f, null));

        f.close();
        ToFuture closed = new ToFuture();
        f.read(ByteBuffer.allocate(4), 0, f, closed);
        e = assertThrows(Exception.class, closed::await);
        assertInstanceOf(ClosedChannelException.class, e.getCause());
    }

    /** The kernel would write into a read-only buffer regardless: refused up front, as FileChannel does. */
    @Test
    void aReadIntoAReadOnlyBufferIsRefused(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("x");
        Files.write(p, new byte[] {1, 2, 3, 4});
        try (AsyncFile f = AsyncFile.open(loops.group(), p)) {
            ByteBuffer direct = ByteBuffer.allocateDirect(4);
            ToFuture r = new ToFuture();
            f.read(direct.asReadOnlyBuffer(), 0, f, r);
            Exception e = assertThrows(Exception.class, r::await);
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("read-only"), e.getCause().getMessage());
            Exception viaFuture = assertThrows(Exception.class,
                    () -> f.readAsync(ByteBuffer.allocate(4).asReadOnlyBuffer(), 0).get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalArgumentException.class, viaFuture.getCause());
            assertEquals(0, direct.get(0), "nothing was written into the buffer behind the read-only view");
        }
    }

    /** Two direct buffers taking turns, and slices of one: each request reads into its own bytes. */
    @Test
    void alternatingAndSlicedDirectBuffersGetTheirOwnBytes(@TempDir Path dir) throws Exception {
        byte[] data = new byte[64];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i + 1);
        Path p = dir.resolve("x");
        Files.write(p, data);
        try (AsyncFile f = AsyncFile.open(loops.group(), p)) {
            ByteBuffer a = ByteBuffer.allocateDirect(16);
            ByteBuffer b = ByteBuffer.allocateDirect(16);
            for (int round = 0; round < 3; round++) {
                assertEquals(16, f.read(a.clear(), 0));
                assertEquals(16, f.read(b.clear(), 16));
                assertEquals(1, a.get(0));
                assertEquals(17, b.get(0));
            }
            ByteBuffer whole = ByteBuffer.allocateDirect(32);
            assertEquals(8, f.read(whole.clear().position(8).limit(16), 40));
            assertEquals(8, f.read(whole.clear().position(24), 0));
            assertEquals(0, whole.get(7));
            assertEquals(41, whole.get(8));
            assertEquals(48, whole.get(15));
            assertEquals(0, whole.get(16));
            assertEquals(1, whole.get(24));
            assertEquals(8, whole.get(31));
        }
    }

    /** More direct buffers than the loop keeps segments for: every read still lands in its own buffer. */
    @Test
    void manyDirectBuffersEachGetTheirBlock(@TempDir Path dir) throws Exception {
        int n = 1200;
        byte[] data = new byte[n * 16];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i / 16);
        Path p = dir.resolve("x");
        Files.write(p, data);
        ByteBuffer[] bufs = new ByteBuffer[n];
        for (int i = 0; i < n; i++) bufs[i] = ByteBuffer.allocateDirect(16);
        try (AsyncFile f = AsyncFile.open(loops.group(), p)) {
            for (int round = 0; round < 2; round++) {
                for (int k = 0; k < n; k++) {
                    int i = round == 0 ? k : n - 1 - k;
                    bufs[i].clear();
                    assertEquals(16, f.read(bufs[i], 16L * ((i * 7 + round) % n)));
                }
                for (int i = 0; i < n; i++) {
                    byte want = (byte) ((i * 7 + round) % n);
                    for (int b = 0; b < 16; b++) assertEquals(want, bufs[i].get(b), "buffer " + i + " round " + round);
                }
            }
        }
    }

    /** A blocking call on the loop's own thread would wait for itself: refused, and the loop goes on. */
    @Test
    void blockingCallsOnTheLoopThreadAreRefused(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("x");
        Files.write(p, new byte[32]);
        try (AsyncFile f = AsyncFile.open(loops.group(), p)) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            f.read(ByteBuffer.allocate(8), 0, null, new CompletionHandler<Integer, Object>() {
                @Override
                public void completed(Integer n, Object a) {
                    try {
                        f.read(ByteBuffer.allocate(8), 8);
                        thrown.complete(null);
                    } catch (Throwable t) {
                        thrown.complete(t);
                    }
                }

                @Override
                public void failed(Throwable t, Object a) {
                    thrown.completeExceptionally(t);
                }
            });
            Throwable t = thrown.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, t);
            assertTrue(t.getMessage().contains("async form"), t.getMessage());
            assertEquals(8, f.read(ByteBuffer.allocate(8), 8), "the loop still serves requests");
        }
    }

    /**
     * A handler that reads and then closes its (registered) file in the same turn: close() does
     * not wait on the loop thread, and the read prepared before it still reads the file (its SQE
     * goes to the kernel before the file's slot is emptied).
     */
    @Test
    void aHandlerCanCloseItsFileAfterIssuingARead(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("x");
        byte[] data = new byte[64];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i + 1);
        Files.write(p, data);
        AsyncFile f = AsyncFile.open(loops.group(), p, FileOpenOption.REGISTERED);
        ByteBuffer second = ByteBuffer.allocateDirect(32);
        ToFuture secondRead = new ToFuture();
        CompletableFuture<Long> closeTook = new CompletableFuture<>();
        f.read(ByteBuffer.allocate(32), 0, null, new CompletionHandler<Integer, Object>() {
            @Override
            public void completed(Integer n, Object a) {
                f.read(second, 32, f, secondRead);
                long t0 = System.nanoTime();
                try {
                    f.close();
                    closeTook.complete(System.nanoTime() - t0);
                } catch (Throwable t) {
                    closeTook.completeExceptionally(t);
                }
            }

            @Override
            public void failed(Throwable t, Object a) {
                closeTook.completeExceptionally(t);
            }
        });
        assertTrue(closeTook.get(10, TimeUnit.SECONDS) < TimeUnit.SECONDS.toNanos(1), "close() returned without waiting");
        assertEquals(32, secondRead.await(), "the read issued before close() read the file");
        assertEquals(33, second.get(0));
        assertEquals(64, second.get(31));
        assertFalse(f.isOpen());
        ToFuture after = new ToFuture();
        f.read(ByteBuffer.allocate(4), 0, f, after);
        Exception e = assertThrows(Exception.class, after::await);
        assertInstanceOf(ClosedChannelException.class, e.getCause());
    }

    /** Handler reads issued from many threads at once, each with its own direct buffer and block. */
    @Test
    void handlerReadsFromManyThreads(@TempDir Path dir) throws Exception {
        int blocks = 256;
        byte[] data = new byte[blocks * 512];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i / 512 * 31 + i % 512);
        Path p = dir.resolve("x");
        Files.write(p, data);
        try (AsyncFile f = AsyncFile.open(loops.group(), p, FileOpenOption.REGISTERED);
             var exec = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicInteger bad = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(blocks * 4);
            for (int t = 0; t < blocks * 4; t++) {
                int block = t % blocks;
                exec.execute(() -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(512);
                    f.read(b, 512L * block, block, new CompletionHandler<Integer, Integer>() {
                        @Override
                        public void completed(Integer n, Integer k) {
                            for (int i = 0; i < 512; i++) {
                                if (b.get(i) != (byte) (k * 31 + i)) {
                                    bad.incrementAndGet();
                                    break;
                                }
                            }
                            if (n != 512) bad.incrementAndGet();
                            done.countDown();
                        }

                        @Override
                        public void failed(Throwable e, Integer k) {
                            bad.incrementAndGet();
                            done.countDown();
                        }
                    });
                });
            }
            assertTrue(done.await(20, TimeUnit.SECONDS), "every handler was called");
            assertEquals(0, bad.get(), "reads that failed or read the wrong bytes");
        }
    }

    /** A handler that throws does not break the loop, and is never called a second time. */
    @Test
    void aThrowingHandlerHearsOnceAndTheLoopGoesOn(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("x");
        Files.write(p, new byte[64]);
        try (AsyncFile f = AsyncFile.open(loops.group(), p)) {
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            CountDownLatch called = new CountDownLatch(1);
            f.read(ByteBuffer.allocate(64), 0, null, new CompletionHandler<Integer, Object>() {
                @Override
                public void completed(Integer n, Object a) {
                    completed.incrementAndGet();
                    called.countDown();
                    throw new IllegalStateException("a handler's own bug");
                }

                @Override
                public void failed(Throwable t, Object a) {
                    failed.incrementAndGet();
                }
            });
            assertTrue(called.await(10, TimeUnit.SECONDS));
            ToFuture next = new ToFuture();
            f.read(ByteBuffer.allocate(64), 0, f, next);
            assertEquals(64, next.await(), "the loop still serves requests");
            assertEquals(1, completed.get());
            assertEquals(0, failed.get(), "failed() after completed() threw");
        }
    }
}
