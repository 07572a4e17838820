package io.uring4j.core;

import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.uring4j.core.RegistrationTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Personality, io-wq affinity and limits, clock, struct layouts, and use after close. */
@Timeout(30)
class RegistrationMiscTest {

    @Test
    void kernelStructSizes() {
        assertEquals(16, Layouts.IOVEC.byteSize());
        assertEquals(32, Layouts.RSRC_REGISTER.byteSize());
        assertEquals(32, Layouts.RSRC_UPDATE2.byteSize());
        assertEquals(16, Layouts.FILE_INDEX_RANGE.byteSize());
        assertEquals(16, Layouts.RESTRICTION.byteSize());
        assertEquals(2, Layouts.RESTRICTION_ARG);
        assertEquals(64, Layouts.SYNC_CANCEL_REG.byteSize());
        assertEquals(16, Layouts.SYNC_CANCEL_TIMEOUT);
        assertEquals(32, Layouts.SYNC_CANCEL_OPCODE);
        assertEquals(16, Layouts.CLOCK_REGISTER.byteSize());
        assertEquals(32, Layouts.CLONE_BUFFERS.byteSize());
        assertEquals(16, Layouts.CLONE_BUFFERS_NR);
    }

    @Test
    void personalityIsUsableUntilUnregistered() {
        try (IoUring ring = IoUring.open(4)) {
            Registration reg = ring.registration();
            int id = reg.registerPersonality();
            assertTrue(id > 0 && id <= 0xFFFF, "id " + id);
            ring.getSqe().prepNop().personality(id).userData(1);
            assertEquals(0, submitOne(ring).res(), "NOP under the registered credentials");
            ring.getSqe().prepNop().personality(id + 1).userData(2);
            assertEquals(-Errno.EINVAL.code(), submitOne(ring).res(), "an id never registered");
            reg.unregisterPersonality(id);
            ring.getSqe().prepNop().personality(id).userData(3).flag(SqeFlag.ASYNC);
            assertEquals(-Errno.EINVAL.code(), submitOne(ring).res(), "an unregistered id");
            IoUringException e = assertThrows(IoUringException.class, () -> reg.unregisterPersonality(id));
            assertEquals(Errno.EINVAL, e.errnoConstant());
            assertTrue(e.getMessage().contains("IORING_UNREGISTER_PERSONALITY") && e.getMessage().contains(String.valueOf(id)),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> reg.unregisterPersonality(-1));
            assertThrows(IllegalArgumentException.class, () -> reg.unregisterPersonality(1 << 16));
        }
    }

    @Test
    void iowqMaxWorkersQueryReturnsWhatWasSet() {
        try (IoUring ring = IoUring.open(4)) {
            ring.getSqe().prepNop();
            submitOne(ring); // creates this thread's io-wq, which holds the limits
            Registration reg = ring.registration();
            int[] original = reg.registerIowqMaxWorkers(0, 0);
            assertEquals(2, original.length);
            try {
                int[] previous = reg.registerIowqMaxWorkers(3, 5);
                assertArrayEquals(original, previous, "setting returns the previous values");
                assertArrayEquals(new int[] {3, 5}, reg.registerIowqMaxWorkers(0, 0));
                assertArrayEquals(new int[] {3, 5}, reg.registerIowqMaxWorkers(2, 0), "0 leaves a value unchanged");
                assertArrayEquals(new int[] {2, 5}, reg.registerIowqMaxWorkers(0, 0));
            } finally {
                reg.registerIowqMaxWorkers(original[0], original[1]);
            }
            assertThrows(IllegalArgumentException.class, () -> reg.registerIowqMaxWorkers(-1, 0));
        }
    }

    /** The CPUs this process may run on, from /proc/self/status. */
    private static BitSet allowedCpus(Path status) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("Cpus_allowed_list:")) {
                BitSet set = new BitSet();
                for (String part : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                    String[] range = part.split("-");
                    int lo = Integer.parseInt(range[0]), hi = Integer.parseInt(range[range.length - 1]);
                    set.set(lo, hi + 1);
                }
                return set;
            }
        }
        throw new AssertionError("no Cpus_allowed_list in " + status);
    }

    /** One more than the highest possible CPU id. */
    private static int possibleCpus() throws IOException {
        String list = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
        return Integer.parseInt(list.substring(list.lastIndexOf('-') + 1).replaceAll(".*,", "")) + 1;
    }

    /** The CPU sets of this thread's io-wq workers (threads named iou-wrk-&lt;tid&gt;). */
    private static Map<String, BitSet> workerAffinities() throws IOException {
        String name = "iou-wrk-" + Posix.gettid();
        Map<String, BitSet> found = new LinkedHashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).trim().equals(name)) {
                        found.put(task.getFileName().toString(), allowedCpus(task.resolve("status")));
                    }
                } catch (IOException gone) {
                    // the thread exited while we looked
                }
            }
        }
        return found;
    }

    /**
     * io-wq is per thread and a worker keeps the affinity it started with (6.18 re-pins
     * nothing on unregister), so the check runs on a fresh thread whose first worker is
     * created after the registration.
     */
    @Test
    void iowqAffinityPinsNewWorkers() throws Throwable {
        BitSet allowed = allowedCpus(Path.of("/proc/self/status"));
        BitSet one = new BitSet();
        one.set(allowed.length() - 1);
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try (IoUring ring = IoUring.open(4)) {
                Registration reg = ring.registration();
                reg.registerIowqAffinity(one);
                ring.getSqe().prepNop().flag(SqeFlag.ASYNC);
                assertEquals(0, submitOne(ring).res()); // runs on a new io-wq worker, which then idles for a while
                Map<String, BitSet> workers = workerAffinities();
                assertFalse(workers.isEmpty(), "an io-wq worker of this thread exists");
                workers.forEach((tid, cpus) -> assertEquals(one, cpus, "worker " + tid));
                reg.unregisterIowqAffinity();

                assertThrows(IllegalArgumentException.class, () -> reg.registerIowqAffinity(new BitSet()));
                BitSet missing = new BitSet();
                missing.set(possibleCpus());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reg.registerIowqAffinity(missing));
                assertTrue(e.getMessage().contains("0.." + (possibleCpus() - 1)), e.getMessage());
                BitSet notAllowed = new BitSet();
                notAllowed.set(0, possibleCpus());
                notAllowed.andNot(allowed);
                if (!notAllowed.isEmpty()) { // only on machines where this process is confined to fewer CPUs
                    IoUringException k = assertThrows(IoUringException.class, () -> reg.registerIowqAffinity(notAllowed));
                    assertEquals(Errno.EINVAL, k.errnoConstant());
                    assertTrue(k.getMessage().contains("IORING_REGISTER_IOWQ_AFF"), k.getMessage());
                }
            } catch (Throwable x) {
                failure[0] = x;
            }
        }, "iowq-affinity-test");
        t.start();
        t.join(20_000);
        assertFalse(t.isAlive(), "test thread finished");
        if (failure[0] != null) throw failure[0];
    }

    @Test
    void clockAcceptsMonotonicAndBoottimeOnly() {
        try (IoUring ring = IoUring.open(4)) {
            Registration reg = ring.registration();
            reg.registerClock(Registration.CLOCK_BOOTTIME);
            ring.getSqe().prepNop();
            ring.submit();
            assertNotNull(ring.waitCqe(Duration.ofSeconds(1)), "timed wait under CLOCK_BOOTTIME");
            reg.registerClock(Registration.CLOCK_MONOTONIC);
            IoUringException e = assertThrows(IoUringException.class, () -> reg.registerClock(0)); // CLOCK_REALTIME
            assertEquals(Errno.EINVAL, e.errnoConstant());
            assertTrue(e.getMessage().contains("IORING_REGISTER_CLOCK"), e.getMessage());
            assertThrows(IoUringException.class, () -> reg.registerClock(12345));
            assertThrows(IllegalArgumentException.class, () -> reg.registerClock(-1));
        }
    }

    @Test
    void everyCallOnAClosedRingThrowsIllegalState() {
        IoUring other = IoUring.open(2);
        IoUring ring = IoUring.open(2);
        Registration reg = ring.registration();
        ring.close();
        List<Executable> calls = new ArrayList<>(List.of(
                () -> reg.registerBuffers(List.of(MemorySegment.NULL)),
                () -> reg.registerBuffersSparse(1),
                () -> reg.updateBuffers(0, List.of(MemorySegment.NULL)),
                reg::unregisterBuffers,
                () -> reg.cloneBuffersFrom(other),
                () -> reg.cloneBuffersFrom(other, 0, 0, 0, true),
                () -> reg.registerFiles(new int[] {-1}),
                () -> reg.registerFilesSparse(1),
                () -> reg.updateFiles(0, new int[] {-1}),
                reg::unregisterFiles,
                () -> reg.registerFileAllocRange(0, 1),
                () -> reg.registerEventFd(0),
                () -> reg.registerEventFdAsync(0),
                reg::unregisterEventFd,
                reg::registerPersonality,
                () -> reg.unregisterPersonality(1),
                () -> reg.registerIowqAffinity(BitSet.valueOf(new long[] {1})),
                reg::unregisterIowqAffinity,
                () -> reg.registerIowqMaxWorkers(0, 0),
                () -> reg.registerRestrictions(Restriction.allowSqeOp(Opcode.NOP)),
                reg::enableRings,
                () -> reg.syncCancel(1, 0, Duration.ZERO),
                () -> reg.syncCancelFd(0, 0, Duration.ZERO),
                () -> reg.syncCancel(1, -1, Opcode.READ, CancelFlags.OP, Duration.ZERO),
                () -> reg.registerClock(Registration.CLOCK_MONOTONIC),
                () -> reg.resizeRings(8, IoUringParams.create())));
        try {
            for (int i = 0; i < calls.size(); i++) {
                IllegalStateException e = assertThrows(IllegalStateException.class, calls.get(i), "call " + i);
                assertEquals("io_uring is closed", e.getMessage(), "call " + i);
            }
            assertThrows(IllegalStateException.class, ring::registration);
        } finally {
            other.close();
        }
    }
}
