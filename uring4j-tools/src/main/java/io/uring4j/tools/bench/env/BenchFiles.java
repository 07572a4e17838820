package io.uring4j.tools.bench.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The files the file workloads read and copy, and what is known about their caching. Each 4 KiB
 * block starts with its own index (8 bytes, little-endian) followed by pseudo-random bytes, so a
 * reader can check that it got the block it asked for and no file system can compress the data.
 * A file is written once and reused while its size and first and last blocks are right.
 */
public final class BenchFiles {
    static final int BLOCK = 4096;
    private static final int CHUNK = 1 << 20;

    private BenchFiles() {}

    /** One mebibyte: the bench files' sizes are multiples of it. */
    public static final long MIB = 1L << 20;

    /** Creates {@code path} with {@code bytes} (a multiple of 1 MiB) unless it is already there and intact. */
    public static void ensure(Path path, long bytes) throws IOException {
        if (bytes % CHUNK != 0 || bytes <= 0) throw new IllegalArgumentException("file size must be a positive multiple of 1 MiB, given " + bytes);
        if (intact(path, bytes)) return;
        Files.createDirectories(path.toAbsolutePath().getParent());
        Path tmp = path.resolveSibling(path.getFileName() + ".partial");
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long rng = 0x2545F4914F6CDD1DL;
            for (long block = 0; block < bytes / BLOCK; ) {
                chunk.clear();
                for (int b = 0; b < CHUNK / BLOCK; b++, block++) {
                    chunk.putLong(block);
                    for (int i = 8; i < BLOCK; i += 8) {
                        rng ^= rng << 13;
                        rng ^= rng >>> 7;
                        rng ^= rng << 17;
                        chunk.putLong(rng);
                    }
                }
                chunk.flip();
                while (chunk.hasRemaining()) ch.write(chunk);
            }
            ch.force(true);
        }
        Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean intact(Path path, long bytes) throws IOException {
        if (!Files.isRegularFile(path) || Files.size(path) != bytes) return false;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (long block : new long[] {0, bytes / BLOCK / 2, bytes / BLOCK - 1}) {
                b.clear();
                if (ch.read(b, block * BLOCK) != 8 || b.getLong(0) != block) return false;
            }
        }
        return true;
    }

    /** Reads the whole file once (through the page cache), so that its pages are resident. */
    public static void warm(Path path) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long pos = 0;
            for (int n; (n = ch.read(buf.clear(), pos)) > 0; ) pos += n;
        }
    }

    /** The page-cache residency of {@code path}: how much, and how it was found out. */
    public record Residency(long residentBytes, long sizeBytes, String method) {
        /** The part of the file resident, 0 to 1 (1 for an empty file). */
        public double fraction() {
            return sizeBytes == 0 ? 1 : (double) residentBytes / sizeBytes;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1f%% of %d MiB resident (%s)", 100 * fraction(), sizeBytes / MIB, method);
        }
    }

    /**
     * Residency from util-linux {@code fincore} when installed, else from mincore(2) through
     * {@link MappedByteBuffer#isLoaded} (which only tells all or not all).
     */
    public static Residency residency(Path path) throws IOException, InterruptedException {
        long size = Files.size(path);
        if (ChildProcess.onPath("fincore")) {
            ChildProcess.Output o = ChildProcess.run(List.of("fincore", "--bytes", "--noheadings", "--output", "RES", path.toString()), 30);
            if (o.exitCode() == 0 && o.stdout().strip().matches("\\d+")) {
                return new Residency(Long.parseLong(o.stdout().strip()), size, "fincore");
            }
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return new Residency(map.isLoaded() ? size : 0, size, "mincore via MappedByteBuffer.isLoaded, all or nothing");
        }
    }

    /**
     * Null if a file in {@code dir} can be opened with O_DIRECT and read into an aligned buffer,
     * else why not (tmpfs accepts O_DIRECT only since Linux 6.6; some container file systems never).
     */
    public static String directProblem(Path dir) {
        Path probe = null;
        try {
            Files.createDirectories(dir);
            probe = Files.createTempFile(dir, "uring4j-direct-probe-", ".bin");
            Files.write(probe, new byte[BLOCK]);
            try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
                ByteBuffer b = ByteBuffer.allocateDirect(2 * BLOCK).alignedSlice(BLOCK).limit(BLOCK);
                int n = ch.read(b, 0);
                return n == BLOCK ? null : "an O_DIRECT read of a 4 KiB file in " + dir + " returned " + n;
            }
        } catch (Exception e) {
            return "O_DIRECT does not work in " + dir + ": " + e;
        } finally {
            try {
                if (probe != null) Files.deleteIfExists(probe);
            } catch (IOException e) {
                // a 4 KiB temp file
            }
        }
    }

    /** CRC32C of a whole file, for the copy workload's checksum check. */
    public static long crc32c(Path path) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            while (ch.read(buf.clear()) > 0) crc.update(buf.flip());
        }
        return crc.getValue();
    }

    /**
     * Writes back dirty pages and drops the page cache ({@code sync; echo 3 > drop_caches}) when
     * root; returns whether the cache was dropped.
     */
    public static boolean dropCaches() throws IOException, InterruptedException {
        ChildProcess.run(List.of("sync"), 300);
        Path knob = Path.of("/proc/sys/vm/drop_caches");
        if (!Apt.isRoot() || !Files.isWritable(knob)) return false;
        try {
            Files.writeString(knob, "3\n");
            return true;
        } catch (IOException e) {
            return false; // a container may refuse it even to root
        }
    }
}
