package io.uring4j.core;

import io.uring4j.core.internal.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Where a ring's shared memory lives and how big it is: mmap of the kernel's regions (the
 * default), or caller or uring4j-owned memory with NO_MMAP. Port of {@code io_uring_mmap},
 * {@code io_uring_alloc_huge}, {@code get_sq_cq_entries} and {@code rings_size} of liburing's
 * {@code setup.c}.
 *
 * <p>Every segment is bound to the ring's {@link Arena}, or (mmap'd regions) to an arena of
 * their own that closes with the ring's, so touching a closed ring throws instead of faulting.
 * The own arena lets a ring resize unmap the old regions early ({@link #unmap()}) while the
 * ring lives on.
 */
final class RingMemory {
    static final int KERN_MAX_ENTRIES = 32768;
    static final int KERN_MAX_CQ_ENTRIES = 2 * KERN_MAX_ENTRIES;
    /** Size of the kernel's ring header (heads, tails, masks, flags) before the CQE array. */
    static final long KRING_SIZE = 64;

    static final long IORING_OFF_SQ_RING = 0L;
    static final long IORING_OFF_CQ_RING = 0x8000000L;
    static final long IORING_OFF_SQES = 0x10000000L;

    final MemorySegment sqRing;
    final MemorySegment cqRing;
    final MemorySegment sqes;
    /** Bytes used in caller memory (NO_MMAP), else 0. */
    final long bytesUsed;
    /** The arena owning the mmap'd regions, or null when the memory is not mapped from the ring fd. */
    private final Arena mappings;

    private RingMemory(MemorySegment sqRing, MemorySegment cqRing, MemorySegment sqes, long bytesUsed, Arena mappings) {
        this.sqRing = sqRing;
        this.cqRing = cqRing;
        this.sqes = sqes;
        this.bytesUsed = bytesUsed;
        this.mappings = mappings;
    }

    /**
     * Unmaps the regions now (after a resize replaced them); views into them throw from then
     * on. Idempotent; a no-op for memory not mapped from the ring fd.
     */
    void unmap() {
        if (mappings != null && mappings.scope().isAlive()) {
            mappings.close();
        }
    }

    /** SQ and CQ sizes liburing and the kernel derive from {@code entries} and the params. */
    record Sizes(int sq, int cq) {}

    static Sizes sizes(int entries, int flags, int cqEntries) {
        boolean clamp = (flags & SetupFlag.CLAMP.mask()) != 0;
        if (entries <= 0) {
            throw new IllegalArgumentException("entries must be at least 1, given " + entries);
        }
        if (entries > KERN_MAX_ENTRIES) {
            if (!clamp) {
                throw new IllegalArgumentException("entries must be at most " + KERN_MAX_ENTRIES
                        + " (or set CLAMP to cap it), given " + entries);
            }
            entries = KERN_MAX_ENTRIES;
        }
        int sq = roundUpPow2(entries);
        int cq;
        if ((flags & SetupFlag.CQSIZE.mask()) != 0) {
            if (cqEntries <= 0) {
                throw new IllegalArgumentException("CQSIZE needs cqEntries of at least 1, given " + cqEntries);
            }
            long c = Integer.toUnsignedLong(cqEntries);
            if (c > KERN_MAX_CQ_ENTRIES) {
                if (!clamp) {
                    throw new IllegalArgumentException("cqEntries must be at most " + KERN_MAX_CQ_ENTRIES
                            + " (or set CLAMP to cap it), given " + cqEntries);
                }
                c = KERN_MAX_CQ_ENTRIES;
            }
            cq = roundUpPow2((int) c);
            if (cq < sq) {
                throw new IllegalArgumentException("cqEntries must be at least the SQ size " + sq + " (rounded), given " + cqEntries);
            }
        } else {
            cq = 2 * sq;
        }
        return new Sizes(sq, cq);
    }

    static int roundUpPow2(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    static long sqeBytes(int flags, int sq) {
        return (long) sq * ((flags & SetupFlag.SQE128.mask()) != 0 ? 128 : 64);
    }

    /** Header, CQEs, and the SQ index array, which the kernel places after the CQEs. */
    static long ringBytes(int flags, int sq, int cq) {
        long bytes = KRING_SIZE + (long) cq * ((flags & SetupFlag.CQE32.mask()) != 0 ? 32 : 16);
        if ((flags & SetupFlag.NO_SQARRAY.mask()) == 0) {
            bytes = sqArrayOffset(flags, KRING_SIZE, cq) + 4L * sq;
        }
        return bytes;
    }

    /**
     * Where the kernel puts the SQ index array in the ring region (its {@code rings_size}): after
     * the header and {@code cq} 16-byte CQEs, the whole doubled for CQE32, rounded up to the
     * 64-byte cache line. Setup reports it in {@code sq_off.array}; a resize does not (it leaves
     * the field as given, and the new array zeroed), so core computes it from this rule.
     */
    static long sqArrayOffset(int flags, long cqesOffset, int cq) {
        long end = cqesOffset + 16L * cq;
        if ((flags & SetupFlag.CQE32.mask()) != 0) end *= 2;
        return (end + 63) & -64L;
    }

    static long roundUpPage(long n) {
        long page = Native.pageSize();
        return (n + page - 1) & -page;
    }

    /**
     * Whether this kernel accepts IORING_SETUP_NO_SQARRAY (6.6), which setup tries first by
     * default: a one-entry ring is set up with it once per JVM and closed. Any refusal other
     * than EINVAL (no io_uring at all, a seccomp filter, no memory) answers true, liburing's
     * default assumption, since then no ring will be set up either way.
     */
    static boolean kernelTakesNoSqArray() {
        return NoSqArrayProbe.TAKEN;
    }

    private static final class NoSqArrayProbe {
        static final boolean TAKEN = probe();

        private static boolean probe() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment params = arena.allocate(Layouts.PARAMS);
                params.set(JAVA_INT, Layouts.params("flags"), SetupFlag.NO_SQARRAY.mask());
                int fd = Native.ioUringSetup(1, params);
                if (fd >= 0) {
                    Native.close(fd);
                    return true;
                }
                return fd != -Errno.EINVAL.code(); // EINVAL: a kernel before 6.6
            }
        }
    }

    /** Port of {@code io_uring_memory_size_params}: bytes of memory a NO_MMAP ring with exactly these flags uses. */
    static long memorySize(int entries, int flags, int cqEntries) {
        Sizes s = sizes(entries, flags, cqEntries);
        return roundUpPage(ringBytes(flags, s.sq, s.cq)) + roundUpPage(sqeBytes(flags, s.sq));
    }

    /**
     * Lays a NO_MMAP ring out in {@code mem}: SQEs at 0, rings at the next page boundary, as
     * liburing does, and writes both addresses into the params. {@code mem} has been checked.
     */
    static RingMemory inMemory(MemorySegment mem, MemorySegment params, int entries, int flags, int cqEntries) {
        Sizes s = sizes(entries, flags, cqEntries);
        long sqeRegion = roundUpPage(sqeBytes(flags, s.sq));
        long used = memorySize(entries, flags, cqEntries);
        MemorySegment sqes = mem.asSlice(0, sqeRegion);
        MemorySegment rings = mem.asSlice(sqeRegion, used - sqeRegion);
        params.set(JAVA_LONG, Layouts.sqOff("user_addr"), sqes.address());
        params.set(JAVA_LONG, Layouts.cqOff("user_addr"), rings.address());
        return new RingMemory(rings, rings, sqes, used, null);
    }

    /** Checks caller memory for a NO_MMAP ring before the kernel is told about it. */
    static void checkCallerMemory(MemorySegment mem, long required) {
        if (!mem.isNative()) {
            throw new IllegalArgumentException("ring memory must be native (the kernel cannot use the Java heap), given " + mem);
        }
        if (mem.isReadOnly()) {
            throw new IllegalArgumentException("ring memory must be writable, given a read-only segment");
        }
        long page = Native.pageSize();
        if ((mem.address() & (page - 1)) != 0) {
            throw new IllegalArgumentException("ring memory must be page-aligned (" + page + " bytes), given address 0x"
                    + Long.toHexString(mem.address()) + " (" + (mem.address() & (page - 1)) + " bytes past a page)");
        }
        if (mem.byteSize() < required) {
            throw new IllegalArgumentException("ring memory too small: required " + required + " bytes, given " + mem.byteSize());
        }
        for (long off = 0; off < required; off += 8) {
            if (mem.get(JAVA_LONG, off) != 0) {
                throw new IllegalArgumentException("ring memory must be zeroed: required " + required
                        + " zero bytes, found a non-zero byte near offset " + off);
            }
        }
    }

    /** Anonymous shared memory owned by the ring, for NO_MMAP without caller memory. */
    static MemorySegment allocateShared(Arena arena, long bytes) {
        long addr = Native.mmap(0, bytes, Native.PROT_READ | Native.PROT_WRITE,
                Native.MAP_SHARED | Native.MAP_ANONYMOUS | Native.MAP_POPULATE, -1, 0);
        if (addr < 0) {
            throw new IoUringException("mmap", (int) addr, "anonymous ring memory of " + bytes + " bytes" + MemoryHints.mapping((int) addr));
        }
        return MemorySegment.ofAddress(addr).reinterpret(bytes, arena, s -> Native.munmap(s.address(), bytes));
    }

    /**
     * Port of {@code io_uring_mmap}: maps the regions the kernel allocated for ring {@code fd}
     * into an arena of their own, which closes (unmapping them) when {@code ringArena} does.
     */
    static RingMemory map(Arena ringArena, int fd, MemorySegment params) {
        Arena arena = Arena.ofShared();
        RingMemory mem = null;
        try {
            mem = map(arena, ringArena, fd, params);
            return mem;
        } finally {
            if (mem == null) {
                arena.close(); // unmaps whatever was mapped before the failure
            }
        }
    }

    private static RingMemory map(Arena arena, Arena ringArena, int fd, MemorySegment params) {
        int flags = params.get(JAVA_INT, Layouts.params("flags"));
        int features = params.get(JAVA_INT, Layouts.params("features"));
        int sqEntries = params.get(JAVA_INT, Layouts.params("sq_entries"));
        int cqEntries = params.get(JAVA_INT, Layouts.params("cq_entries"));
        long sqRingSize = Integer.toUnsignedLong(params.get(JAVA_INT, Layouts.sqOff("array"))) + 4L * sqEntries;
        long cqRingSize = Integer.toUnsignedLong(params.get(JAVA_INT, Layouts.cqOff("cqes")))
                + (long) cqEntries * ((flags & SetupFlag.CQE32.mask()) != 0 ? 32 : 16);
        boolean single = (features & Feature.SINGLE_MMAP.mask()) != 0;
        if (single) {
            sqRingSize = cqRingSize = Math.max(sqRingSize, cqRingSize);
        }
        MemorySegment sqRing = mapRegion(arena, fd, sqRingSize, IORING_OFF_SQ_RING, "SQ ring");
        MemorySegment cqRing = single ? sqRing : mapRegion(arena, fd, cqRingSize, IORING_OFF_CQ_RING, "CQ ring");
        MemorySegment sqes = mapRegion(arena, fd, sqeBytes(flags, sqEntries), IORING_OFF_SQES, "SQE array");
        RingMemory mem = new RingMemory(sqRing, cqRing, sqes, 0, arena);
        // An empty segment whose only job is its cleanup: closing the ring closes these mappings too
        // (unless a resize already did).
        MemorySegment.NULL.reinterpret(ringArena, ignored -> mem.unmap());
        return mem;
    }

    private static MemorySegment mapRegion(Arena arena, int fd, long size, long offset, String what) {
        long addr = Native.mmap(0, size, Native.PROT_READ | Native.PROT_WRITE,
                Native.MAP_SHARED | Native.MAP_POPULATE, fd, offset);
        if (addr < 0) {
            throw new IoUringException("mmap", (int) addr, what + " of ring fd " + fd + ", " + size + " bytes at offset 0x"
                    + Long.toHexString(offset) + MemoryHints.mapping((int) addr));
        }
        return MemorySegment.ofAddress(addr).reinterpret(size, arena, s -> Native.munmap(s.address(), size));
    }
}
