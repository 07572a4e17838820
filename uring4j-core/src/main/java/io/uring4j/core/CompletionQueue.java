package io.uring4j.core;

import java.lang.foreign.MemorySegment;

import static io.uring4j.core.RingAccess.loadAcquire;
import static io.uring4j.core.RingAccess.readOnce;
import static io.uring4j.core.RingAccess.storeRelease;
import static io.uring4j.core.RingAccess.writeOnce;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The completion side of a ring: kernel-shared {@code khead}, {@code ktail}, {@code koverflow},
 * {@code kflags} and the CQE array, with a local shadow of the head (we are its only writer).
 * Port of the CQ half of liburing's {@code struct io_uring_cq} and {@code queue.c}.
 */
final class CompletionQueue {
    private final MemorySegment ring;
    private final long khead;
    private final long ktail;
    private final long koverflow;
    /** Offset of the CQ flags word, or -1 on kernels without one. */
    private final long kflags;
    final int mask;
    final int entries;
    final boolean mixed;
    private final Cqe[] views;

    /** Local copy of khead: only we advance it. */
    private int head;

    CompletionQueue(MemorySegment ring, MemorySegment params, int setupFlags) {
        this.ring = ring;
        this.khead = params.get(JAVA_INT, Layouts.cqOff("head"));
        this.ktail = params.get(JAVA_INT, Layouts.cqOff("tail"));
        this.koverflow = params.get(JAVA_INT, Layouts.cqOff("overflow"));
        int flagsOff = params.get(JAVA_INT, Layouts.cqOff("flags"));
        this.kflags = flagsOff == 0 ? -1 : flagsOff;
        this.mask = ring.get(JAVA_INT, params.get(JAVA_INT, Layouts.cqOff("ring_mask")));
        this.entries = ring.get(JAVA_INT, params.get(JAVA_INT, Layouts.cqOff("ring_entries")));
        this.mixed = (setupFlags & SetupFlag.CQE_MIXED.mask()) != 0;
        boolean cqe32 = (setupFlags & SetupFlag.CQE32.mask()) != 0;
        long cqeSize = cqe32 ? 32 : 16;
        long cqesOff = params.get(JAVA_INT, Layouts.cqOff("cqes")) & 0xFFFF_FFFFL;
        MemorySegment cqes = ring.asSlice(cqesOff, entries * cqeSize);
        this.views = new Cqe[entries];
        for (int i = 0; i < entries; i++) {
            views[i] = new Cqe(cqes, i * cqeSize, cqe32);
        }
        // Relaxed: only this side advances khead; its first value was written by the kernel before
        // the setup or resize call that handed over the ring returned, and that syscall orders it.
        this.head = readOnce(ring, khead);
    }

    /** Port of {@code io_uring_cq_ready}. */
    int ready() {
        // Acquire: pairs with the kernel's store-release of ktail after it filled the CQEs.
        return loadAcquire(ring, ktail) - head;
    }

    /**
     * Port of {@code __io_uring_peek_cqe} without waiting: the entry at the head, or null. In a
     * CQE_MIXED ring, filler (F_SKIP) entries at the head are consumed on the way.
     */
    Cqe peek() {
        while (ready() > 0) {
            Cqe cqe = views[head & mask];
            if (mixed && cqe.hasFlag(CqeFlag.SKIP)) {
                advance(1);
                continue;
            }
            return cqe;
        }
        return null;
    }

    /**
     * Port of {@code io_uring_peek_batch_cqe}'s inner part: fills {@code out} with up to
     * {@code out.length} ready entries without consuming them; returns how many.
     */
    int peekBatch(Cqe[] out) {
        int ready = ready();
        if (ready == 0) {
            return 0;
        }
        int h = head;
        int last = h + ready;
        int n = 0;
        while (h != last && n < out.length) {
            Cqe cqe = views[h & mask];
            if (mixed && cqe.hasFlag(CqeFlag.SKIP)) {
                if (n != 0) {
                    break; // a filler can only be consumed at the head; it will be there next time
                }
                advance(1);
                h++;
                continue;
            }
            out[n++] = cqe;
            h += cqe.slots(mixed);
        }
        return n;
    }

    /**
     * Port of {@code io_uring_for_each_cqe} followed by one {@code io_uring_cq_advance}: reads the
     * tail once, hands each entry to {@code handler}, and releases the slots when done (also when
     * the handler throws: the entries handled so far, the throwing one included, are consumed).
     */
    int forEach(CqeHandler handler) {
        // Acquire: pairs with the kernel's store-release of ktail after it filled the CQEs.
        int tail = loadAcquire(ring, ktail);
        int h = head;
        int count = 0;
        try {
            while (h != tail) {
                Cqe cqe = views[h & mask];
                h += cqe.slots(mixed);
                if (mixed && cqe.hasFlag(CqeFlag.SKIP)) {
                    continue;
                }
                count++;
                handler.handle(cqe);
            }
        } finally {
            if (h != head) {
                advance(h - head);
            }
        }
        return count;
    }

    /** Port of {@code io_uring_cq_advance}. */
    void advance(int slots) {
        head += slots;
        // Release: our reads of the consumed CQEs happen before the kernel may reuse their slots.
        storeRelease(ring, khead, head);
    }

    /** Port of {@code io_uring_cqe_seen}. */
    void seen(Cqe cqe) {
        advance(cqe.slots(mixed));
    }

    /** Completions the kernel could not post (kernels without NODROP, or a bad overflow). */
    int overflow() {
        // Relaxed: a statistic the kernel bumps.
        return readOnce(ring, koverflow);
    }

    /** Port of {@code io_uring_cq_eventfd_toggle}. */
    void setEventfdEnabled(boolean enabled) {
        int f = flags();
        int updated = enabled ? f & ~CqRingFlags.EVENTFD_DISABLED : f | CqRingFlags.EVENTFD_DISABLED;
        if (updated != f) {
            // WRITE_ONCE as liburing does: the kernel checks the bit whenever it signals the eventfd.
            writeOnce(ring, kflags, updated);
        }
    }

    /** Port of {@code io_uring_cq_eventfd_enabled}. */
    boolean isEventfdEnabled() {
        return (flags() & CqRingFlags.EVENTFD_DISABLED) == 0;
    }

    private int flags() {
        if (kflags < 0) {
            throw new UnsupportedOperationException("this kernel's CQ ring has no flags word (needs 5.8)");
        }
        // Relaxed: both sides toggle independent bits; liburing uses READ_ONCE.
        return readOnce(ring, kflags);
    }

    /** CQ ring flag bits ({@code cq_ring->flags}), which the application sets. */
    static final class CqRingFlags {
        private CqRingFlags() {}
        /** {@code IORING_CQ_EVENTFD_DISABLED}: the kernel does not signal the registered eventfd. */
        static final int EVENTFD_DISABLED = 1;
    }
}
