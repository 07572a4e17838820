package io.uring4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Takes the address space a child under {@code prlimit --as} has left, in PROT_NONE mappings
 * (no memory behind them, but they count against RLIMIT_AS), until only about {@code headroom}
 * bytes remain (within 64 KiB): then the next large mmap fails with ENOMEM, as under real exhaustion, while the
 * JVM still has room for small allocations. The JVM's own reservations (heap, metaspace, code
 * cache) were made at start, so it keeps running. Child side.
 */
public final class AddressSpaceHog implements AutoCloseable {
    private static final int PROT_NONE = 0, MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
    private static final long MIN_CHUNK = 64 * 1024;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MMAP = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("mmap"),
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("munmap"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    private record Mapping(MemorySegment address, long bytes) {}

    private final List<Mapping> held = new ArrayList<>();
    private long bytes;

    /** Maps PROT_NONE chunks (halving the size on each refusal) until less than {@code headroom} is left. */
    public static AddressSpaceHog exhaust(long headroom) {
        AddressSpaceHog hog = new AddressSpaceHog();
        for (long chunk = 1L << 40; chunk >= MIN_CHUNK; ) {
            if (!hog.map(chunk)) chunk /= 2;
        }
        // everything is taken now: give back whole chunks from the smallest up to the headroom,
        // then take back 64 KiB pieces of what was given beyond it
        long freed = 0;
        while (freed < headroom && !hog.held.isEmpty()) {
            Mapping m = hog.held.removeLast();
            unmap(m);
            hog.bytes -= m.bytes;
            freed += m.bytes;
        }
        while (left() - MIN_CHUNK >= headroom && hog.map(MIN_CHUNK)) {
            // closer to the headroom asked
        }
        return hog;
    }

    /**
     * Bytes of address space still free under RLIMIT_AS (its soft limit from /proc/self/limits
     * minus VmSize from /proc/self/status), or -1 without a limit.
     */
    public static long left() {
        try {
            String limit = Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max address space"))
                    .findFirst().orElseThrow().substring("Max address space".length()).trim().split("\\s+")[0];
            if (limit.equals("unlimited")) return -1;
            long vmKb = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmSize:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
            return Long.parseLong(limit) - vmKb * 1024;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes of address space this hog holds. */
    public long bytes() {
        return bytes;
    }

    private boolean map(long size) {
        try {
            MemorySegment a = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, size, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            if (a.address() == -1L) return false;
            held.add(new Mapping(a, size));
            bytes += size;
            return true;
        } catch (Throwable t) {
            throw new IllegalStateException("mmap", t);
        }
    }

    private static void unmap(Mapping m) {
        try {
            int r = (int) MUNMAP.invokeExact(m.address, m.bytes);
            if (r != 0) throw new IllegalStateException("munmap of " + m.bytes + " bytes failed");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("munmap", t);
        }
    }

    /** Gives all of it back. */
    @Override
    public void close() {
        while (!held.isEmpty()) unmap(held.removeLast());
        bytes = 0;
    }
}
