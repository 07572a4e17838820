package io.uring4j.runtime;

import io.uring4j.core.Opcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link FileCopy} in both of its modes (splice through pipes, read/write through buffers) on real files. */
@Timeout(60)
class FileCopyTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    static Stream<Arguments> sizesAndModes() {
        int chunk = 64 * 1024;
        return Stream.of(true, false).flatMap(splice -> Stream.of(0, 1, 4095, chunk - 1, chunk, chunk + 1,
                10 * chunk + 12345, (3 << 20) + 7).map(size -> Arguments.of(splice, size)));
    }

    @ParameterizedTest(name = "splice={0} size={1}")
    @MethodSource("sizesAndModes")
    void copiesEveryByteAndLeaksNoFd(boolean splice, int size, @TempDir Path dir) throws Exception {
        assumeTrue(!splice || loops.group().next().probe().supports(Opcode.SPLICE), "the kernel has no IORING_OP_SPLICE");
        Path src = dir.resolve("src");
        Path dst = dir.resolve("dst");
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Files.write(src, data);
        Files.write(dst, new byte[100_000]); // longer than some sources: the copy replaces it
        int fds = openFds();
        FileCopy.Copied c = FileCopy.run(loops.group(), src, dst, 64 * 1024, 4, splice, null, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(size, c.bytes());
        assertArrayEquals(data, Files.readAllBytes(dst));
        if (size > 0) assertEquals(splice, c.spliced(), "lanes spliced through pipes");
        assertEquals(fds, openFds(), "every pipe and file closed");
        assertEquals(List.of("dst", "src"), names(dir), "no temporary file left");
    }

    /** More lanes than chunks, and chunks that are not a multiple of the page size. */
    @Test
    void oddChunksAndSpareLanes(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src");
        Path dst = dir.resolve("dst");
        byte[] data = new byte[5 * 4100 + 3];
        new Random(1).nextBytes(data);
        Files.write(src, data);
        assertEquals(data.length, FileCopy.run(loops.group(), src, dst, 4100, 64, true, null).bytes());
        assertArrayEquals(data, Files.readAllBytes(dst));
    }

    /**
     * An interrupted copy stops starting chunks, cancels and waits for those in the kernel, closes
     * its files and pipes, deletes its temporary file and throws InterruptedIOException; the
     * target never appears; the loop goes on serving.
     */
    @Test
    void interruptStopsTheCopyAndLeaksNothing(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src");
        Path dst = dir.resolve("dst");
        byte[] data = new byte[64 << 20];
        new Random(2).nextBytes(data);
        Files.write(src, data);
        int fds = openFds();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread copier = Thread.ofPlatform().start(() -> {
            try {
                FileCopy.run(loops.group(), src, dst, 4096, 1, true, null); // 16384 steps one after another
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        Thread.sleep(30);
        copier.interrupt();
        Throwable t = outcome.get(30, TimeUnit.SECONDS);
        assertInstanceOf(InterruptedIOException.class, t, "the copy ended by the interrupt");
        copier.join(5000);
        assertFalse(Files.exists(dst), "an interrupted copy leaves no target");
        assertEquals(List.of("src"), names(dir), "nor a temporary file");
        // An open still in the kernel when the interrupt came closes its fd at its completion,
        // just after the call returned: every fd must be back within moments, none may stay.
        assertEquals(fds, awaitFds(fds), "every pipe and file closed");
        byte[] small = {1, 2, 3};
        Files.write(src, small);
        assertEquals(3, FileCopy.run(loops.group(), src, dst, 4096, 1, true, null).bytes(), "the loop still copies");
    }

    /**
     * Interrupted at any point (opening, statx, creating the temporary file, moving data,
     * renaming), a copy leaves either no target or a complete one, and never its temporary file.
     */
    @Test
    void anInterruptAtAnyPointLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src");
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        Files.write(src, data);
        Path dst = dir.resolve("dst");
        Random random = new Random(4);
        int interrupted = 0;
        for (int i = 0; i < 400; i++) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread copier = Thread.ofPlatform().start(() -> {
                try {
                    FileCopy.run(loops.group(), src, dst, 65536, 2, true, null);
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            java.util.concurrent.locks.LockSupport.parkNanos(random.nextInt(3_000_000));
            copier.interrupt();
            Throwable t = outcome.get(30, TimeUnit.SECONDS);
            copier.join(5000);
            if (t == null) {
                assertEquals(-1, Files.mismatch(src, dst), "a copy that completed is complete");
                Files.delete(dst);
            } else {
                assertInstanceOf(java.io.IOException.class, t, "interrupted: " + t);
                interrupted++;
                if (Files.exists(dst)) { // the rename was done when the interrupt came
                    assertEquals(-1, Files.mismatch(src, dst));
                    Files.delete(dst);
                }
            }
            assertEquals(List.of("src"), names(dir), "round " + i + ": nothing left behind after " + t);
        }
        assertTrue(interrupted > 0, "some copies were interrupted");
    }

    static List<String> names(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static int openFds() {
        return new File("/proc/self/fd").list().length;
    }

    /** The open fd count once it is {@code expected}, or after 5 s, whatever it is then. */
    static int awaitFds(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int now;
        while ((now = openFds()) != expected && System.nanoTime() < deadline) Thread.sleep(10);
        return now;
    }
}
