package io.uring4j.runtime;

import io.uring4j.testing.ChildJvm;
import io.uring4j.testing.Faults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static io.uring4j.runtime.FaultAssertions.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 10, item 3: memory limits on a child JVM. {@code prlimit --memlock=0} without
 * CAP_IPC_LOCK ({@code setpriv}): the rings' memory is charged to RLIMIT_MEMLOCK (6.18 does), so
 * nothing can start and every entry point names the limit, its value and the fix.
 * {@code prlimit --as}: the JVM starts (small heap, metaspace and code cache), then
 * {@link io.uring4j.testing.AddressSpaceHog} takes all but about 1.5 MiB of what is left: big
 * rings fail to map with ENOMEM, a big transfer cannot get its buffer, small things still work,
 * nothing crashes, and everything works again once the space is back.
 */
@Timeout(60)
class MemoryLimitFaultTest {
    private static final long HEADROOM = 3 << 19; // 1.5 MiB: a loop thread's stack and a small ring fit, 2 MiB of SQEs do not

    @Test
    void noLockedMemoryWithoutIpcLockNamesTheLimitEverywhere() throws Exception {
        ChildJvm.Result r = ChildJvm.main(FaultChild.class).under(Faults.prlimit("--memlock=0")).under(Faults.withoutIpcLock()).run();
        assertEquals(0, r.exitCode(), r.describe());
        if (r.value("available").equals("true")) {
            // kernels that charge ring memory to the memory cgroup only (5.12 to about 6.13): all works
            for (String op : new String[] {"r2.group", "r2.file.read", "r2.file.copy", "r2.tcp", "r2.udp"}) {
                assertEquals("ok", r.value(op), op + r.describe());
            }
        } else {
            String limit = "RLIMIT_MEMLOCK is 0 bytes (soft), 0 bytes (hard)";
            String cause = r.value("cause");
            assertTrue(cause.contains("io_uring_setup failed: ENOMEM") && cause.contains("without CAP_IPC_LOCK")
                    && cause.contains(limit) && cause.contains("ulimit -l"), cause);
            assertThrew(r, "r2.ioUring.open", "io.uring4j.core.IoUringException", "io_uring_setup failed: ENOMEM", limit);
            for (String create : new String[] {"r2.group.create", "r2.group.createDefault", "r2.group"}) {
                assertThrew(r, create, "java.lang.IllegalStateException", "could not start: ", "ENOMEM", limit);
            }
        }
        assertNothingLeft(r);
        assertIdle(r, "idle");
    }

    @Test
    void addressSpaceExhaustionFailsBigMappingsWithEnomemAndRecovers() throws Exception {
        ChildJvm.Result r = addressSpaceChild();
        assertTrue(r.longValue("r2.left") < 2 << 20, "the hog left more than 2 MiB" + r.describe());
        String limit = "RLIMIT_AS is " + (1L << 30) + " bytes (soft)";
        assertThrew(r, "r2.ioUring.openBig", "io.uring4j.core.IoUringException", "mmap failed: ENOMEM", limit);
        assertEquals("ok", r.value("r2.ioUring.openSmall"), "a small ring still fits");
        assertThrew(r, "r2.group.createBig", "java.lang.IllegalStateException", "could not start: ", "mmap failed: ENOMEM", limit);
        // a native buffer the JVM cannot map: OutOfMemoryError, as for the JDK's own direct buffers
        assertThrew(r, "r2.file.readBig", "java.lang.OutOfMemoryError", "Unable to allocate 16781296 bytes");
        assertEquals("ok", r.value("r2.file.readSmall"), "the loop goes on after the failed allocation");
        assertIdle(r, "exhausted");
        for (String op : new String[] {"ioUring.openBig", "group.createBig", "file.readBig", "file.read", "file.copy", "tcp", "udp"}) {
            assertEquals("ok", r.value("r2.after." + op), op + " once the address space is back" + r.describe());
        }
        assertNothingLeft(r);
    }

    /**
     * A transfer whose pooled buffer cannot be allocated gives its operation slot back. Today the
     * slot is taken first and never released when the buffer allocation throws: 130 failed reads
     * grew the loop's slot table by 192 slots (48 KiB of native memory).
     */
    @Test
    void aFailedBufferAllocationGivesItsSlotBack() throws Exception {
        ChildJvm.Result r = addressSpaceChild();
        assertEquals("0", r.value("r2.file.readBigRepeated.nativeGrowth"), "native bytes grew over 130 failed reads" + r.describe());
    }

    /**
     * {@link AddressSpaceChild} under a 1 GiB RLIMIT_AS: a JVM sized to start in it, and glibc's
     * malloc kept to one arena that maps every large block afresh (the 64 MiB a second arena
     * reserves, or a block kept from an earlier free, would let a big allocation through).
     */
    private static ChildJvm.Result addressSpaceChild() throws Exception {
        ChildJvm.Result r = ChildJvm.main(AddressSpaceChild.class, Long.toString(HEADROOM)).under(Faults.prlimit("--as=" + (1L << 30)))
                .jvmArgs("-Xmx64m", "-XX:MaxMetaspaceSize=64m", "-XX:CompressedClassSpaceSize=64m", "-XX:ReservedCodeCacheSize=32m", "-Xss512k")
                .env("MALLOC_ARENA_MAX", "1").env("MALLOC_MMAP_THRESHOLD_", "131072").timeout(Duration.ofSeconds(20)).run();
        assertEquals(0, r.exitCode(), r.describe());
        return r;
    }
}
