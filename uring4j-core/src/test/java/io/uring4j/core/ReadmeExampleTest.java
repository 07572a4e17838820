package io.uring4j.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The README's core example, kept compiling and true (with bounded waits). */
@Timeout(30)
class ReadmeExampleTest {
    @Test
    void readmeCoreExample(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hostname");
        Files.writeString(file, "uring4j-host\n");
        try (IoUring ring = IoUring.open(64, SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN);
             Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toString());
            ring.getSqe().prepOpenat(FsOps.AT_FDCWD, path, 0, 0).userData(1);
            int fd = ring.submitAndWait(1) > 0 ? ring.waitCqe(Duration.ofSeconds(5)).res() : -1;
            ring.cqAdvance(1);
            assertTrue(fd >= 0, "openat gave an fd: " + fd);
            MemorySegment buf = arena.allocate(4096);
            ring.getSqe().prepRead(fd, buf, 0).userData(2).flag(SqeFlag.IO_HARDLINK);
            ring.getSqe().prepClose(fd).userData(3);
            ring.submitAndWait(2);
            Map<Long, Integer> results = new HashMap<>();
            ring.forEachCqe(cqe -> results.put(cqe.userData(), cqe.res()));
            assertEquals(Map.of(2L, 13, 3L, 0), results);
            assertEquals("uring4j-host\n", buf.getString(0));
            assertNull(ring.waitCqe(Duration.ofMillis(10)));
        }
    }
}
