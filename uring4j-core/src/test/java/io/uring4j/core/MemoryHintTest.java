package io.uring4j.core;

import io.uring4j.testing.ChildJvm;
import io.uring4j.testing.Faults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9, item 10: a failed buffer registration or ring setup names the cause that matches its
 * errno on this kernel, the limit in force with its value, and the fix; it no longer blames
 * RLIMIT_MEMLOCK for everything nor points at "kernels before 5.12".
 */
@Timeout(120)
class MemoryHintTest {
    @TempDir
    Path dir;

    /** A MAP_SHARED mapping of a regular file cannot be pinned: EFAULT, and the message says why. */
    @Test
    void registeringFileBackedMemoryNamesTheMappingNotTheMemlockLimit() throws Exception {
        Path file = dir.resolve("mapped");
        Files.write(file, new byte[8192]);
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8192, arena);
            var e = assertThrows(IoUringException.class, () -> ring.registration().registerBuffers(List.of(mapped)));
            assertTrue(e.errno() == Errno.EFAULT.code() || e.errno() == Errno.EOPNOTSUPP.code(), e.getMessage());
            assertTrue(e.getMessage().contains("file") && e.getMessage().contains("Arena.allocate"), e.getMessage());
            assertFalse(e.getMessage().contains("RLIMIT_MEMLOCK"), e.getMessage());
            // a private mapping of the same file, or anonymous memory, registers fine
            ring.registration().registerBuffers(List.of(ch.map(FileChannel.MapMode.PRIVATE, 0, 8192, arena)));
        }
    }

    @Test
    void eachErrnoGetsItsOwnHint() {
        assertTrue(MemoryHints.bufferRegistration(-Errno.EBUSY.code(), 1).contains("already has a buffer table"));
        assertTrue(MemoryHints.bufferRegistration(-Errno.ENXIO.code(), 1).contains("no buffer table"));
        assertTrue(MemoryHints.bufferRegistration(-Errno.ENOMEM.code(), 4096).contains("4096 bytes asked"));
        assertEquals("", MemoryHints.bufferRegistration(-Errno.EINVAL.code(), 1));
        assertEquals("", MemoryHints.setup(-Errno.EINVAL.code(), 1));
        assertTrue(MemoryHints.memlockLimit().startsWith("RLIMIT_MEMLOCK is "), MemoryHints.memlockLimit());
        String map = MemoryHints.mapping(-Errno.ENOMEM.code());
        assertTrue(map.contains("address space") && map.contains("RLIMIT_AS is ") && map.contains("vm.max_map_count"), map);
        assertEquals("", MemoryHints.mapping(-Errno.EINVAL.code()));
        assertNotNull(MemoryHints.hasIpcLock(), "CapEff is readable from /proc/self/status");
    }

    /**
     * A child JVM with a 64 KiB locked-memory limit and without CAP_IPC_LOCK: a small ring works,
     * registering 1 MiB fails with ENOMEM naming RLIMIT_MEMLOCK and its value, and so does setting
     * up a ring larger than the limit. With a limit of 0 io_uring is unavailable, for the same
     * reason, and isAvailable's cause says so.
     */
    @Test
    void lowMemlockWithoutIpcLockNamesTheLimitAndItsValue() throws Exception {
        ChildJvm.Result child = memlockChild(65536);
        String out = child.output();
        assertEquals(0, child.exitCode(), child.describe());
        assertTrue(out.contains("available=true"), out);
        assertTrue(out.contains("capIpcLock=false"), "the child runs without CAP_IPC_LOCK: " + out);
        String register = line(out, "register=");
        assertTrue(register.contains("ENOMEM") && register.contains("without CAP_IPC_LOCK")
                && register.contains("RLIMIT_MEMLOCK is 65536 bytes (soft), 65536 bytes (hard)")
                && register.contains("1048576 bytes asked") && register.contains("ulimit -l"), register);
        String open = line(out, "open=");
        if (!open.startsWith("open=ok")) { // kernels that charge the rings to RLIMIT_MEMLOCK (6.18 does)
            assertTrue(open.contains("io_uring_setup") && open.contains("ENOMEM")
                    && open.contains("RLIMIT_MEMLOCK is 65536 bytes (soft)") && !open.contains("before 5.12"), open);
        }

        ChildJvm.Result none = memlockChild(0);
        String cause = line(none.output(), "cause=");
        if (none.output().contains("available=false")) {
            // kernels that charge ring memory to RLIMIT_MEMLOCK (6.18 does) cannot set up any ring
            assertTrue(cause.contains("RLIMIT_MEMLOCK is 0 bytes (soft), 0 bytes (hard)") && !cause.contains("before 5.12"), cause);
        } else {
            assertTrue(line(none.output(), "register=").contains("RLIMIT_MEMLOCK is 0 bytes"), none.output());
        }
    }

    /** MemlockChild under {@code prlimit --memlock=bytes}, without CAP_IPC_LOCK. */
    private static ChildJvm.Result memlockChild(long bytes) throws Exception {
        return ChildJvm.main(MemlockChild.class).under(Faults.prlimit("--memlock=" + bytes)).under(Faults.withoutIpcLock()).run();
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(prefix + "(missing in: " + out + ")");
    }

    /** Prints what a process under a low RLIMIT_MEMLOCK sees; run by the test above. */
    static final class MemlockChild {
        public static void main(String[] args) {
            System.out.println("available=" + IoUring.isAvailable());
            System.out.println("cause=" + (IoUring.unavailabilityCause() == null ? "" : IoUring.unavailabilityCause().getMessage()));
            System.out.println("capIpcLock=" + MemoryHints.hasIpcLock());
            try (IoUring ring = IoUring.open(2); Arena arena = Arena.ofConfined()) {
                ring.registration().registerBuffers(List.of(arena.allocate(1 << 20, 4096)));
                System.out.println("register=ok");
            } catch (RuntimeException e) {
                System.out.println("register=" + e.getMessage());
            }
            try (IoUring ring = IoUring.open(4096)) {
                System.out.println("open=ok " + ring.sqEntries());
            } catch (RuntimeException e) {
                System.out.println("open=" + e.getMessage());
            }
        }
    }
}
