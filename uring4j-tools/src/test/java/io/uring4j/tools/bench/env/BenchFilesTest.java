package io.uring4j.tools.bench.env;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class BenchFilesTest {

    @Test
    void everyBlockCarriesItsIndexAndAnIntactFileIsReused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("d.bin");
        BenchFiles.ensure(f, 2 * BenchFiles.MIB);
        assertEquals(2 * BenchFiles.MIB, Files.size(f));
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            for (long block = 0; block < 512; block += 37) {
                ch.read(b.clear(), block * BenchFiles.BLOCK);
                assertEquals(block, b.getLong(0), "block " + block);
            }
        }
        long crc = BenchFiles.crc32c(f);
        var modified = Files.getLastModifiedTime(f);
        BenchFiles.ensure(f, 2 * BenchFiles.MIB);
        assertEquals(modified, Files.getLastModifiedTime(f), "an intact file is not written again");
        assertEquals(crc, BenchFiles.crc32c(f));
        assertNotEquals(crc, 0);
    }

    @Test
    void aDamagedOrResizedFileIsWrittenAgain(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("d.bin");
        BenchFiles.ensure(f, BenchFiles.MIB);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8), 0); // block 0 now claims index 0 still; damage the last block instead
            ch.write(ByteBuffer.allocate(8).putLong(0, 99), BenchFiles.MIB - BenchFiles.BLOCK);
        }
        BenchFiles.ensure(f, BenchFiles.MIB);
        assertEquals(BenchFiles.crc32c(dir.resolve("d.bin")), crcOfFresh(dir));
        BenchFiles.ensure(f, 3 * BenchFiles.MIB);
        assertEquals(3 * BenchFiles.MIB, Files.size(f));
    }

    private static long crcOfFresh(Path dir) throws Exception {
        Path g = dir.resolve("fresh.bin");
        BenchFiles.ensure(g, BenchFiles.MIB);
        return BenchFiles.crc32c(g);
    }

    @Test
    void aWarmedFileIsFullyResident(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("d.bin");
        BenchFiles.ensure(f, 4 * BenchFiles.MIB);
        BenchFiles.warm(f);
        BenchFiles.Residency r = BenchFiles.residency(f);
        assertEquals(4 * BenchFiles.MIB, r.sizeBytes());
        assertEquals(1.0, r.fraction(), 0.01, r.toString());
    }

    @Test
    void sizesThatAreNotWholeMebibytesAreRefused(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> BenchFiles.ensure(dir.resolve("x"), 4096));
        assertThrows(IllegalArgumentException.class, () -> BenchFiles.ensure(dir.resolve("x"), 0));
    }
}
