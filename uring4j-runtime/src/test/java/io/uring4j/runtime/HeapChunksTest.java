package io.uring4j.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Heap buffers larger than the loop's largest pooled buffer (16 MiB) move whole, as several
 * requests (issue 14 item 9: the cap is lifted), in the blocking, future and handler forms, with
 * O_DIRECT too; a read at the end of the file is short, as one request's would be.
 */
@Timeout(120)
class HeapChunksTest {
    private static final int SIZE = 2 * BufferPool.maxBytes() + 12_288; // three requests, the last a partial one
    private static EventLoopGroup group;
    private static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        group = EventLoopGroup.create(1);
        dir = Files.createDirectories(Path.of("target", "heap-chunks")); // on the disk: tmpfs may refuse O_DIRECT
    }

    @AfterAll
    static void tearDown() {
        group.close();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void aHeapBufferAboveTheLargestPooledBufferIsWrittenAndReadWhole() throws Exception {
        Path file = dir.resolve("blocking");
        byte[] data = random(SIZE, 1);
        try (AsyncFile f = AsyncFile.open(group, file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer out = ByteBuffer.allocate(SIZE + 100).position(50).limit(50 + SIZE);
            out.put(data).position(50);
            assertEquals(SIZE, f.write(out, 4096));
            assertEquals(50 + SIZE, out.position(), "the buffer's position moves past what was written");
            assertEquals(4096 + SIZE, f.size());

            ByteBuffer in = ByteBuffer.allocate(SIZE + 100).position(7).limit(7 + SIZE);
            assertEquals(SIZE, f.read(in, 4096));
            assertEquals(7 + SIZE, in.position());
            assertArrayEquals(data, Arrays.copyOfRange(in.array(), 7, 7 + SIZE));

            ByteBuffer tail = ByteBuffer.allocate(SIZE);
            assertEquals(SIZE - 1000, f.read(tail, 4096 + 1000), "a read that meets the end of the file is short");
            assertArrayEquals(Arrays.copyOfRange(data, 1000, SIZE), Arrays.copyOf(tail.array(), SIZE - 1000));
            assertEquals(-1, f.read(ByteBuffer.allocate(SIZE), 4096 + SIZE), "at the end");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void theFutureAndHandlerFormsAndODirectMoveEveryChunk() throws Exception {
        Path file = dir.resolve("direct");
        int size = 2 * BufferPool.maxBytes() + 4096; // O_DIRECT: lengths in whole blocks
        byte[] data = random(size, 2);
        try (AsyncFile f = AsyncFile.open(group, file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE, FileOpenOption.DIRECT)) {
            assertEquals(size, f.writeAsync(ByteBuffer.wrap(data), 0, Duration.ofSeconds(60)).get(60, TimeUnit.SECONDS));
            ByteBuffer in = ByteBuffer.allocate(size);
            CompletableFuture<Integer> handled = new CompletableFuture<>();
            f.read(in, 0, null, new java.nio.channels.CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer n, Void a) {
                    handled.complete(n);
                }

                @Override
                public void failed(Throwable t, Void a) {
                    handled.completeExceptionally(t);
                }
            });
            assertEquals(size, handled.get(60, TimeUnit.SECONDS));
            assertArrayEquals(data, in.array());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
