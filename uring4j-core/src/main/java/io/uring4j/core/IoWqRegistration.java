package io.uring4j.core;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The io-wq half of {@link Registration}: worker CPU affinity (REGISTER_IOWQ_AFF,
 * UNREGISTER_IOWQ_AFF) and worker limits (REGISTER_IOWQ_MAX_WORKERS). Port of the
 * corresponding functions of liburing's {@code register.c}.
 */
final class IoWqRegistration {
    private IoWqRegistration() {}

    /** Where Linux lists the CPU ids it could ever bring online, e.g. {@code 0-63}. */
    private static final Path POSSIBLE_CPUS = Path.of("/sys/devices/system/cpu/possible");

    /** Port of {@code io_uring_register_iowq_aff}. */
    static void registerAffinity(IoUring ring, BitSet cpus) {
        Registration.ensureOpen(ring);
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("registerIowqAffinity: at least one CPU, given an empty set");
        }
        // The kernel checks the mask only over its possible CPUs, so a set of nothing but higher
        // ids would pass as an empty mask: refuse it here.
        int possible = possibleCpuCount();
        if (possible > 0 && cpus.length() > possible) {
            throw new IllegalArgumentException("registerIowqAffinity: CPU ids 0.." + (possible - 1)
                    + " exist on this machine, given " + cpus);
        }
        long[] words = cpus.toLongArray(); // bit i of word i/64 is CPU i: the cpu_set_t layout of a 64-bit LE machine
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocateFrom(JAVA_LONG, words);
            ring.registerOrThrow(RegisterOp.REGISTER_IOWQ_AFF, mask, (int) mask.byteSize(),
                    "CPUs " + cpus + " (EINVAL: not all allowed to this process)");
        }
    }

    /** Port of {@code io_uring_unregister_iowq_aff}. */
    static void unregisterAffinity(IoUring ring) {
        Registration.ensureOpen(ring);
        ring.registerOrThrow(RegisterOp.UNREGISTER_IOWQ_AFF, MemorySegment.NULL, 0, "reset io-wq affinity");
    }

    /** Port of {@code io_uring_register_iowq_max_workers}: returns the previous {bounded, unbounded}. */
    static int[] maxWorkers(IoUring ring, int bounded, int unbounded) {
        Registration.ensureOpen(ring);
        if (bounded < 0 || unbounded < 0) {
            throw new IllegalArgumentException("registerIowqMaxWorkers: counts must be >= 0 (0: unchanged), given bounded="
                    + bounded + ", unbounded=" + unbounded);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment values = arena.allocateFrom(JAVA_INT, bounded, unbounded);
            ring.registerOrThrow(RegisterOp.REGISTER_IOWQ_MAX_WORKERS, values, 2,
                    "bounded=" + bounded + ", unbounded=" + unbounded);
            return new int[] {values.getAtIndex(JAVA_INT, 0), values.getAtIndex(JAVA_INT, 1)};
        }
    }

    /** One more than the highest possible CPU id, or 0 if sysfs does not say. */
    private static int possibleCpuCount() {
        try {
            String list = Files.readString(POSSIBLE_CPUS).trim(); // e.g. "0-3,8-11" or "0"
            int highest = -1;
            for (String part : list.split(",")) {
                String last = part.substring(part.lastIndexOf('-') + 1);
                highest = Math.max(highest, Integer.parseInt(last.trim()));
            }
            return highest + 1;
        } catch (IOException | RuntimeException unknown) {
            return 0; // no sysfs (or an odd format): leave the check to the kernel
        }
    }
}
