package io.uring4j.tools.bench.child;

import io.uring4j.core.IoUring;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every read mode of the bench child, in this JVM, on a real file of indexed blocks: each one
 * reads, checks every block and reports a positive rate; a block with the wrong index fails it.
 */
@Timeout(60)
class ReadBenchTest {
    private static final int BLOCKS = 256;

    /** A file whose every 4 KiB block starts with its index, as the bench files do. */
    static Path indexedFile(Path dir, long wrongBlock) throws Exception {
        Path f = dir.resolve("blocks.bin");
        ByteBuffer b = ByteBuffer.allocate(ReadBench.BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long i = 0; i < BLOCKS; i++) {
                b.clear();
                b.putLong(0, i == wrongBlock ? i + 1 : i);
                ch.write(b, i * ReadBench.BLOCK);
            }
        }
        return f;
    }

    private static String run(String mode, Path file, int qd, boolean direct) throws Exception {
        return ReadBench.run(Map.of("mode", mode, "file", file.toString(), "qd", Integer.toString(qd), "threads", "2",
                "direct", Boolean.toString(direct), "warmup", "0.05", "seconds", "0.2"));
    }

    private static double field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"filechannel", "vthreads", "async", "core", "runtime"})
    void everyModeReadsAndReports(String mode, @TempDir Path dir) throws Exception {
        assumeTrue(!mode.equals("core") && !mode.equals("runtime") || IoUring.isAvailable(), "io_uring unavailable");
        String json = run(mode, indexedFile(dir, -1), 8, false);
        assertTrue(field(json, "ops_per_s") > 0, json);
        assertTrue(field(json, "ops") > 0, json);
        assertTrue(field(json, "p99_us") >= field(json, "p50_us"), json);
        assertTrue(field(json, "cpu_s_per_op") > 0, json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"filechannel", "core", "runtime"})
    void directReadsWorkWithAlignedBuffers(String mode, @TempDir Path dir) throws Exception {
        assumeTrue(mode.equals("filechannel") || IoUring.isAvailable(), "io_uring unavailable");
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm), "no tmpfs at /dev/shm");
        Path sub = Files.createTempDirectory(shm, "uring4j-readbench-");
        try {
            String json = run(mode, indexedFile(sub, -1), 4, true);
            assertTrue(field(json, "ops_per_s") > 0, json);
        } finally {
            try (var s = Files.list(sub)) {
                for (Path p : s.toList()) Files.delete(p);
            }
            Files.delete(sub);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"filechannel", "async", "core", "runtime"})
    void aWrongBlockFailsTheMeasurement(String mode, @TempDir Path dir) throws Exception {
        assumeTrue(!mode.equals("core") && !mode.equals("runtime") || IoUring.isAvailable(), "io_uring unavailable");
        // every block but one is wrong, so the first read already sees a mismatch
        Path f = dir.resolve("bad.bin");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(ReadBench.BLOCK).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < BLOCKS; i++) {
                b.clear();
                b.putLong(0, 1_000_000 + i);
                ch.write(b, i * ReadBench.BLOCK);
            }
        }
        Exception e = assertThrows(Exception.class, () -> run(mode, f, 4, false));
        assertTrue(String.valueOf(e.getMessage()).contains("returned block"), e.toString());
    }

    @Test
    void unknownModeIsRefused(@TempDir Path dir) throws Exception {
        Path f = indexedFile(dir, -1);
        assertThrows(IllegalArgumentException.class, () -> run("no-such-mode", f, 1, false));
    }
}
