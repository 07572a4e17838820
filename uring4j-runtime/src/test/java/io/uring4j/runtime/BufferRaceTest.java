package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 item 2: a buffer whose position and limit another thread moves while requests use it
 * (misuse) may give wrong results or exceptions, but the kernel never reads or writes outside it.
 * The 4096-byte buffer sits between two guard pages of one native allocation (or inside a larger
 * array, for heap buffers) filled with a pattern; the guards must never change, and a write must
 * never put guard bytes into the file.
 */
@Timeout(120)
class BufferRaceTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    private static final int PAGE = 4096;
    private static final byte GUARD = (byte) 0xA5;
    private static final byte FILE_BYTE = 0x11;
    private static final byte BUFFER_BYTE = 0x22;
    private static final int ROUNDS = 3000;

    /** Keeps moving {@code buf}'s position between 0 and near its capacity, and its limit, until stopped. */
    private static Thread flipper(ByteBuffer buf, AtomicBoolean stop) {
        return Thread.ofPlatform().daemon().start(() -> {
            int i = 0;
            while (!stop.get()) {
                try {
                    switch (i++ & 3) {
                        case 0 -> buf.limit(buf.capacity()).position(0);
                        case 1 -> buf.limit(buf.capacity()).position(buf.capacity() - 7);
                        case 2 -> buf.position(0).limit(buf.capacity());
                        default -> buf.limit(13);
                    }
                } catch (IllegalArgumentException raced) {
                    // the loop moved the position meanwhile: the misuse this test is about
                }
            }
        });
    }

    /** A form of request: one read or write of {@code buf} at {@code position}, awaited. */
    private interface Form {
        void run(AsyncFile f, ByteBuffer buf, long position) throws Exception;
    }

    private static final CompletionHandler<Integer, CompletableFuture<Integer>> TO_FUTURE = new CompletionHandler<>() {
        @Override
        public void completed(Integer n, CompletableFuture<Integer> f) {
            f.complete(n);
        }

        @Override
        public void failed(Throwable t, CompletableFuture<Integer> f) {
            f.completeExceptionally(t);
        }
    };

    /*
     * The side buffers of the vectored forms are allocated once: a fresh direct buffer per request
     * would push the buffer under test out of the loop's segment cache, and the cache's own
     * duplicate() of a buffer whose bounds move can throw (see the report to the lead).
     */
    private static final ByteBuffer SIDE_DIRECT = ByteBuffer.allocateDirect(3);
    private static final ByteBuffer SIDE_HEAP = ByteBuffer.allocate(5);

    private static final Form[] READS = {
            (f, b, pos) -> f.read(b, pos),
            (f, b, pos) -> f.readAsync(b, pos).get(10, TimeUnit.SECONDS),
            (f, b, pos) -> {
                CompletableFuture<Integer> r = new CompletableFuture<>();
                f.read(b, pos, r, TO_FUTURE);
                r.get(10, TimeUnit.SECONDS);
            },
            (f, b, pos) -> f.read(new ByteBuffer[] {b}, pos),
            (f, b, pos) -> f.read(new ByteBuffer[] {SIDE_DIRECT.clear(), b}, pos),
            (f, b, pos) -> f.read(new ByteBuffer[] {b, SIDE_HEAP.clear()}, pos), // heap: staged
    };

    private static final Form[] WRITES = {
            (f, b, pos) -> f.write(b, pos),
            (f, b, pos) -> f.writeAsync(b, pos).get(10, TimeUnit.SECONDS),
            (f, b, pos) -> {
                CompletableFuture<Integer> r = new CompletableFuture<>();
                f.write(b, pos, r, TO_FUTURE);
                r.get(10, TimeUnit.SECONDS);
            },
            (f, b, pos) -> f.write(new ByteBuffer[] {b}, pos),
            (f, b, pos) -> f.write(new ByteBuffer[] {SIDE_DIRECT.clear(), b}, pos),
    };

    /**
     * Runs {@code form} ROUNDS times while the flipper moves the buffer; misuse may fail, never
     * hang. Returns the failures that are not the documented one (ConcurrentModificationException,
     * naming the bounds that moved): an IndexOutOfBounds or IllegalArgument thrown by the copy or
     * the position update on the loop thread would be a completion that threw.
     */
    private static java.util.List<Throwable> hammer(AsyncFile f, ByteBuffer buf, Form form) throws Exception {
        buf.clear();
        form.run(f, buf, 0); // once in a sane state: the loop caches its segment over the buffer
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = flipper(buf, stop);
        java.util.List<Throwable> unexpected = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < ROUNDS; i++) {
                try {
                    form.run(f, buf, (i % 64) * 64L);
                } catch (TimeoutException e) {
                    throw new AssertionError("a request under misuse did not complete", e);
                } catch (ExecutionException | RuntimeException | java.io.IOException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    if (!(cause instanceof ConcurrentModificationException)) unexpected.add(cause);
                }
            }
        } finally {
            stop.set(true);
            t.join(5000);
        }
        return unexpected;
    }

    private static void assertOnlyDocumentedFailures(java.util.List<Throwable> unexpected, String what) {
        if (!unexpected.isEmpty()) {
            AssertionError e = new AssertionError(what + ": " + unexpected.size() + " failures other than"
                    + " ConcurrentModificationException, first: " + unexpected.getFirst());
            e.initCause(unexpected.getFirst());
            throw e;
        }
    }

    private static void assertGuards(MemorySegment whole, String what) {
        for (long i = 0; i < PAGE; i++) {
            byte before = whole.get(JAVA_BYTE, i), after = whole.get(JAVA_BYTE, 2L * PAGE + i);
            if (before != GUARD || after != GUARD) {
                fail(what + ": the kernel wrote outside the buffer: byte " + (before != GUARD ? i - PAGE : PAGE + i)
                        + " relative to its start is " + (before != GUARD ? before : after));
            }
        }
    }

    private static Path knownFile(Path dir) throws Exception {
        Path p = dir.resolve("known");
        byte[] data = new byte[1 << 20];
        Arrays.fill(data, FILE_BYTE);
        Files.write(p, data);
        return p;
    }

    @Test
    void readsNeverWriteOutsideADirectBufferWhoseBoundsMove(@TempDir Path dir) throws Exception {
        Path p = knownFile(dir);
        try (Arena arena = Arena.ofShared(); AsyncFile f = AsyncFile.open(loops.group(), p)) {
            MemorySegment whole = arena.allocate(3L * PAGE, PAGE);
            whole.fill(GUARD);
            ByteBuffer buf = whole.asSlice(PAGE, PAGE).asByteBuffer();
            for (int form = 0; form < READS.length; form++) {
                var unexpected = hammer(f, buf, READS[form]);
                assertGuards(whole, "read form " + form);
                assertOnlyDocumentedFailures(unexpected, "read form " + form);
            }
            ByteBuffer fresh = ByteBuffer.allocateDirect(100);
            assertEquals(100, f.read(fresh, 0), "the loop still serves reads");
        }
    }

    @Test
    void writesNeverReadOutsideADirectBufferWhoseBoundsMove(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("out");
        try (Arena arena = Arena.ofShared();
             AsyncFile f = AsyncFile.open(loops.group(), p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            MemorySegment whole = arena.allocate(3L * PAGE, PAGE);
            whole.fill(GUARD);
            whole.asSlice(PAGE, PAGE).fill(BUFFER_BYTE);
            ByteBuffer buf = whole.asSlice(PAGE, PAGE).asByteBuffer();
            for (int form = 0; form < WRITES.length; form++) {
                var unexpected = hammer(f, buf, WRITES[form]);
                byte[] written = Files.readAllBytes(p);
                for (int i = 0; i < written.length; i++) {
                    if (written[i] == GUARD) {
                        fail("write form " + form + ": the kernel read outside the buffer: file byte " + i + " is a guard byte");
                    }
                }
                assertOnlyDocumentedFailures(unexpected, "write form " + form);
            }
        }
    }

    /**
     * Heap buffers go through a pooled native buffer: the copy back after a read (and the copy
     * in before a write) must stay inside the user's buffer however its bounds move, and must not
     * throw on the loop thread (the loop goes on, the caller hears a result or an exception).
     */
    @Test
    void heapBufferCopiesStayInsideTheBufferWhoseBoundsMove(@TempDir Path dir) throws Exception {
        Path p = knownFile(dir);
        byte[] array = new byte[3 * PAGE];
        Arrays.fill(array, GUARD);
        ByteBuffer buf = ByteBuffer.wrap(array, PAGE, PAGE).slice(); // array offset 4096, capacity 4096
        assertEquals(PAGE, buf.arrayOffset());
        try (AsyncFile f = AsyncFile.open(loops.group(), p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int form = 0; form < READS.length; form++) {
                var unexpected = hammer(f, buf, READS[form]);
                for (int i = 0; i < PAGE; i++) {
                    assertEquals(GUARD, array[i], "read form " + form + ": byte " + (i - PAGE) + " before the buffer changed");
                    assertEquals(GUARD, array[2 * PAGE + i], "read form " + form + ": byte " + (PAGE + i) + " past the buffer changed");
                }
                assertOnlyDocumentedFailures(unexpected, "read form " + form);
            }
            ByteBuffer fresh = ByteBuffer.allocate(100);
            assertEquals(100, f.read(fresh, 0), "the loop still serves reads");
        }
    }
}
