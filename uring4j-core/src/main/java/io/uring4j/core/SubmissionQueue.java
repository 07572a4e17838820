package io.uring4j.core;

import java.lang.foreign.MemorySegment;

import static io.uring4j.core.RingAccess.fullFence;
import static io.uring4j.core.RingAccess.loadAcquire;
import static io.uring4j.core.RingAccess.readOnce;
import static io.uring4j.core.RingAccess.storeRelease;
import static io.uring4j.core.RingAccess.writeOnce;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The submission side of a ring: the kernel-shared words {@code khead}, {@code ktail},
 * {@code kflags}, {@code kdropped} in the SQ ring region, the SQE array, and the local shadows
 * {@code sqeHead}/{@code sqeTail} (entries handed out but not yet published). Port of the SQ half
 * of liburing's {@code struct io_uring_sq} and {@code queue.c}. Not thread-safe: one thread at a
 * time, as in liburing.
 */
final class SubmissionQueue {
    private final MemorySegment ring;
    private final long khead;
    private final long ktail;
    private final long kflags;
    private final long kdropped;
    final int mask;
    final int entries;
    private final Sqe[] views;
    private final boolean sqpoll;
    private final boolean rewind;

    /** First entry not yet published to the kernel. */
    int sqeHead;
    /** Next entry {@link #getSqe()} hands out. */
    int sqeTail;
    /**
     * {@code khead} as last loaded. The kernel only moves the head forward, so a stale copy can
     * only make the queue look fuller than it is: {@link #getSqe()} reloads it when the copy
     * says full, and otherwise skips a shared-memory read per entry (the slots below the copy
     * were seen consumed by that same {@link #loadHead()}, so its ordering argument still holds).
     * Whatever replaces the SQ ring (a resize) must reset it.
     */
    private int cachedHead;

    SubmissionQueue(MemorySegment ring, MemorySegment params, MemorySegment sqes, int setupFlags) {
        this.ring = ring;
        this.khead = params.get(JAVA_INT, Layouts.sqOff("head"));
        this.ktail = params.get(JAVA_INT, Layouts.sqOff("tail"));
        this.kflags = params.get(JAVA_INT, Layouts.sqOff("flags"));
        this.kdropped = params.get(JAVA_INT, Layouts.sqOff("dropped"));
        this.mask = ring.get(JAVA_INT, params.get(JAVA_INT, Layouts.sqOff("ring_mask")));
        this.entries = ring.get(JAVA_INT, params.get(JAVA_INT, Layouts.sqOff("ring_entries")));
        this.sqpoll = (setupFlags & SetupFlag.SQPOLL.mask()) != 0;
        this.rewind = (setupFlags & SetupFlag.SQ_REWIND.mask()) != 0;
        long sqeSize = (setupFlags & SetupFlag.SQE128.mask()) != 0 ? 128 : 64;
        this.views = new Sqe[entries];
        for (int i = 0; i < entries; i++) {
            views[i] = new Sqe(sqes, i * sqeSize, sqeSize);
        }
        if ((setupFlags & SetupFlag.NO_SQARRAY.mask()) == 0) {
            // Identity mapping once, so submission only moves the tail (as liburing does).
            long array = params.get(JAVA_INT, Layouts.sqOff("array")) & 0xFFFF_FFFFL;
            for (int i = 0; i < entries; i++) {
                ring.set(JAVA_INT, array + 4L * i, i);
            }
        }
    }

    /** Port of {@code io_uring_load_sq_head}. */
    private int loadHead() {
        if (sqpoll) {
            // Acquire: the SQ thread advances khead after it has read the entries; pairs with its store.
            return loadAcquire(ring, khead);
        }
        // Only our own enter advances khead, and that call has returned: a relaxed read suffices.
        return readOnce(ring, khead);
    }

    /** Port of {@code io_uring_get_sqe}: a zeroed entry, or null when the SQ is full. */
    Sqe getSqe() {
        int next = sqeTail + 1;
        if (next - cachedHead > entries) {
            cachedHead = loadHead();
            if (next - cachedHead > entries) {
                return null;
            }
        }
        Sqe sqe = views[sqeTail & mask];
        sqeTail = next;
        sqe.clear();
        return sqe;
    }

    /**
     * Port of {@code __io_uring_flush_sq}: publishes the entries handed out since the last flush
     * and returns how many the kernel has yet to consume.
     */
    int flush() {
        int tail = sqeTail;
        if (rewind) {
            sqeTail = 0;
            return tail;
        }
        if (sqeHead != tail) {
            sqeHead = tail;
            if (!sqpoll) {
                // The io_uring_enter that follows orders this store before the kernel reads it.
                writeOnce(ring, ktail, tail);
            } else {
                // Release: the SQE contents must be visible before the SQ thread sees the new tail.
                storeRelease(ring, ktail, tail);
            }
        }
        // Relaxed: khead only tells which slots the kernel finished reading; no data flows from it.
        return tail - readOnce(ring, khead);
    }

    /**
     * Port of {@code sq_ring_needs_enter}: -1 when no syscall is needed to submit
     * {@code submit} entries, else the extra enter flags (0 or SQ_WAKEUP).
     */
    int needsEnter(int submit) {
        if (submit == 0) {
            return -1;
        }
        if (!sqpoll) {
            return 0;
        }
        // Full fence between our tail store and the NEED_WAKEUP load: otherwise the SQ thread may
        // go to sleep after checking the old tail while we read a stale "awake" (liburing 744f4156).
        fullFence();
        // Relaxed: the fence above provides the ordering.
        if ((readOnce(ring, kflags) & SqRingFlags.NEED_WAKEUP) != 0) {
            return EnterFlag.SQ_WAKEUP.mask();
        }
        return -1;
    }

    /** Kernel-set SQ ring flags (NEED_WAKEUP, CQ_OVERFLOW, TASKRUN). */
    int kernelFlags() {
        // Relaxed: an advisory word; decisions based on it end in a syscall that orders everything.
        return readOnce(ring, kflags);
    }

    /** Port of {@code io_uring_sq_ready}: entries handed out that the kernel has not consumed. */
    int ready() {
        return sqeTail - loadHead();
    }

    int spaceLeft() {
        return entries - ready();
    }

    /** Entries the kernel dropped as invalid (only without NO_SQARRAY can an index be invalid). */
    int dropped() {
        // Relaxed: a statistic.
        return readOnce(ring, kdropped);
    }

    /** SQ ring flag bits ({@code sq_ring->flags}). */
    static final class SqRingFlags {
        private SqRingFlags() {}
        static final int NEED_WAKEUP = 1;
        static final int CQ_OVERFLOW = 1 << 1;
        static final int TASKRUN = 1 << 2;
    }
}
