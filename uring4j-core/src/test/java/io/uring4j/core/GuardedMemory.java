package io.uring4j.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The memory a fuzz scenario hands to requests: buffers carved out of page-aligned blocks, each
 * between guard bytes that hold a known pattern, so that any write the kernel makes outside a
 * buffer shows up in {@link #checkGuards}. Read-only views handed out are checked to be unchanged.
 *
 * <p>Blocks are never freed: when a scenario ends its blocks cool down for {@link #COOL_DOWN}
 * scenarios before another one reuses them (and are checked again first), because the kernel may
 * still touch memory of a closed ring until its asynchronous teardown ends. So no late write can
 * land in memory the JVM reuses, and one that lands in a block is still reported.
 */
final class GuardedMemory implements SegmentAllocator {
    static final int BLOCK_BYTES = 512 * 1024;
    static final int PAGE = 4096;
    static final int COOL_DOWN = 8;

    private static final Arena FOREVER = Arena.ofAuto(); // blocks stay reachable from the pool below
    private static final MemorySegment PATTERN = pattern();
    private static final ArrayDeque<Block> FREE = new ArrayDeque<>();
    private static final ArrayDeque<Block> COOLING = new ArrayDeque<>();

    /** One block: where buffers were carved (the rest is guard) and for whom. */
    private static final class Block {
        final MemorySegment seg = FOREVER.allocate(BLOCK_BYTES, PAGE);
        final List<long[]> buffers = new ArrayList<>(); // {start, end}
        final List<String> owners = new ArrayList<>();
        long cursor;
        String lastUse = "";
    }

    private record ReadOnlyView(MemorySegment view, byte[] content, String owner) {}

    private final FuzzInput in;
    private final List<Block> blocks = new ArrayList<>();
    private final List<ReadOnlyView> readOnly = new ArrayList<>();
    private final String scenario;
    /** The request a buffer allocated now is for (set by the harness before it builds arguments). */
    String owner = "setup";

    GuardedMemory(FuzzInput in, String scenario) {
        this.in = in;
        this.scenario = scenario;
    }

    /**
     * A buffer of {@code size} bytes aligned to {@code align}, between fresh guards of random
     * length, filled with a random kind of content. Never fails: a full block is followed by a new one.
     */
    @Override
    public MemorySegment allocate(long size, long align) {
        if (size < 0 || size > BLOCK_BYTES / 2 || Long.bitCount(align) != 1 || align > PAGE) {
            throw new IllegalArgumentException("fuzz buffers are 0.." + BLOCK_BYTES / 2 + " bytes, aligned to at most a page, given "
                    + size + " aligned to " + align);
        }
        long guard = 1 + in.intIn(0, 95);
        Block b = blocks.isEmpty() ? null : blocks.getLast();
        if (b == null || alignUp(b.cursor + guard, align) + size + 96 > BLOCK_BYTES) {
            b = take();
            blocks.add(b);
        }
        long start = alignUp(b.cursor + guard, align);
        b.cursor = start + size;
        b.buffers.add(new long[] {start, start + size});
        b.owners.add(owner);
        MemorySegment buf = b.seg.asSlice(start, size);
        fill(buf);
        return buf;
    }

    /** A buffer for a request: a random size (mostly small) and alignment. */
    MemorySegment buffer() {
        long size = switch (in.intIn(0, 9)) {
            case 0 -> 0;
            case 1 -> in.intIn(1, 8);
            case 2 -> PAGE;
            case 3 -> in.intIn(PAGE - 1, PAGE + 1);
            case 4 -> in.intIn(1, 64 * 1024);
            default -> in.intIn(1, 512);
        };
        long align = 1L << in.pick(0, 0, 3, 3, 4, 6, 12);
        return allocate(size, align);
    }

    /**
     * Memory for a ring in caller memory: a mapping of its own, never reused, between guard
     * pages (checked with the blocks) and unmapped at {@link #retire}. Not a block buffer: a
     * ring whose teardown is held up keeps storing its CQ tail into this memory long after
     * close (finding F4), so the memory must never be handed to anything else; unmapping it is
     * safe, the kernel keeps its own references to the pages.
     */
    MemorySegment ringMemory(long size) {
        long bytes = (size + PAGE - 1) / PAGE * PAGE + 2L * PAGE;
        long addr = io.uring4j.core.internal.Native.mmap(0, bytes, io.uring4j.core.internal.Native.PROT_READ
                | io.uring4j.core.internal.Native.PROT_WRITE, io.uring4j.core.internal.Native.MAP_PRIVATE
                | io.uring4j.core.internal.Native.MAP_ANONYMOUS, -1, 0);
        if (addr < 0) throw new IllegalStateException("fuzz harness: mmap of " + bytes + " bytes failed: " + Errno.describe((int) addr));
        MemorySegment all = MemorySegment.ofAddress(addr).reinterpret(bytes);
        MemorySegment.copy(PATTERN, 0, all, 0, PAGE);
        MemorySegment.copy(PATTERN, PAGE, all, bytes - PAGE, PAGE);
        ringMappings.add(all);
        return all.asSlice(PAGE, size); // fresh anonymous memory: zeroed, as openInMemory wants
    }

    private final List<MemorySegment> ringMappings = new ArrayList<>();

    private void checkRingGuards(String when) {
        for (MemorySegment all : ringMappings) {
            long end = all.byteSize();
            if (MemorySegment.mismatch(all, 0, PAGE, PATTERN, 0, PAGE) >= 0
                    || MemorySegment.mismatch(all, end - PAGE, end, PATTERN, PAGE, 2 * PAGE) >= 0) {
                throw new AssertionError(scenario + ", " + when + ": the kernel wrote next to the caller memory of the ring ("
                        + (end - 2 * PAGE) + " bytes at 0x" + Long.toHexString(all.address() + PAGE) + ")");
            }
        }
    }

    /** A read-only view of a fresh buffer; the content it must keep is recorded. */
    MemorySegment readOnly(MemorySegment buf) {
        MemorySegment view = buf.asReadOnly();
        readOnly.add(new ReadOnlyView(view, view.toArray(JAVA_BYTE), owner));
        return view;
    }

    private void fill(MemorySegment buf) {
        switch (in.intIn(0, 3)) {
            case 0 -> buf.fill((byte) 0);
            case 1 -> buf.fill((byte) in.anyInt());
            case 2 -> {
                byte[] b = new byte[(int) Math.min(buf.byteSize(), 64)];
                in.bytes(b);
                for (long at = 0; at < buf.byteSize(); at += b.length) {
                    MemorySegment.copy(b, 0, buf, JAVA_BYTE, at, (int) Math.min(b.length, buf.byteSize() - at));
                }
            }
            default -> { } // the block's pattern: a guard's neighbour that looks like a guard
        }
    }

    /**
     * Throws {@link AssertionError} naming the first byte outside every buffer that differs from
     * the pattern, or a read-only view whose content changed.
     */
    void checkGuards(String when) {
        for (Block b : blocks) {
            check(b, scenario + ", " + when);
        }
        checkRingGuards(when);
        for (var it = readOnly.iterator(); it.hasNext(); ) {
            ReadOnlyView r = it.next();
            if (!Arrays.equals(r.content, r.view.toArray(JAVA_BYTE))) {
                it.remove(); // reported once
                throw new AssertionError(scenario + ", " + when
                        + ": the read-only segment handed to " + r.owner + " was written (" + r.view + ")");
            }
        }
    }

    private static void check(Block b, String when) {
        long from = 0;
        for (int i = 0; i <= b.buffers.size(); i++) {
            long to = i < b.buffers.size() ? b.buffers.get(i)[0] : BLOCK_BYTES;
            if (to > from) {
                long at = MemorySegment.mismatch(b.seg, from, to, PATTERN, from, to);
                if (at >= 0) {
                    long off = from + at;
                    throw new AssertionError(when + ": guard byte changed at block offset " + off
                            + " (expected 0x" + Integer.toHexString(PATTERN.get(JAVA_BYTE, off) & 0xFF)
                            + ", found 0x" + Integer.toHexString(b.seg.get(JAVA_BYTE, off) & 0xFF) + "); "
                            + neighbours(b, off));
                }
            }
            if (i < b.buffers.size()) from = Math.max(from, b.buffers.get(i)[1]);
        }
    }

    private static String neighbours(Block b, long off) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.buffers.size(); i++) {
            long[] r = b.buffers.get(i);
            if (r[1] <= off && off - r[1] < 8192 || r[0] > off && r[0] - off < 8192) {
                sb.append("buffer [").append(r[0]).append(", ").append(r[1]).append(") of ").append(b.owners.get(i)).append("; ");
            }
        }
        return sb.isEmpty() ? "no buffer within 8 KiB" : sb.toString();
    }

    /** Ends this scenario's use of its blocks: they cool down before reuse ({@code story}: what the scenario did). */
    void retire(String story) {
        checkRingGuards("at the end");
        for (MemorySegment all : ringMappings) io.uring4j.core.internal.Native.munmap(all.address(), all.byteSize());
        ringMappings.clear();
        for (Block b : blocks) {
            b.lastUse = scenario + " (block at 0x" + Long.toHexString(b.seg.address()) + ")\n" + story;
            COOLING.addLast(b);
        }
        blocks.clear();
        while (COOLING.size() > COOL_DOWN) {
            Block b = COOLING.removeFirst();
            check(b, "a later scenario, in the memory of " + b.lastUse + "\n  (a write after its ring closed)");
            FREE.addLast(b);
        }
    }

    private static Block take() {
        Block b = FREE.isEmpty() ? new Block() : FREE.removeFirst();
        MemorySegment.copy(PATTERN, 0, b.seg, 0, BLOCK_BYTES);
        b.buffers.clear();
        b.owners.clear();
        b.cursor = 0;
        return b;
    }

    private static long alignUp(long v, long align) {
        return (v + align - 1) & -align;
    }

    private static MemorySegment pattern() {
        byte[] bytes = new byte[BLOCK_BYTES];
        new SplittableRandom(0x6A7A).nextBytes(bytes);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) bytes[i] = (byte) 0xA5; // never zero: the kernel's favourite byte
        }
        MemorySegment p = FOREVER.allocate(BLOCK_BYTES, PAGE);
        MemorySegment.copy(bytes, 0, p, JAVA_BYTE, 0, BLOCK_BYTES);
        return p;
    }
}
