package io.uring4j.runtime;

import io.uring4j.core.IoUring;

/**
 * A loop's registered file table (sparse, {@link #SLOTS} slots): files opened with
 * {@link FileOpenOption#REGISTERED} get a slot, and their requests name the slot with
 * IOSQE_FIXED_FILE, which spares the kernel an fd lookup and reference count per request.
 * Loop-thread only.
 */
final class FixedFiles {
    static final int SLOTS = 1024;

    private final IoUring ring;
    private final int[] free = new int[SLOTS];
    private int freeCount;

    FixedFiles(IoUring ring) {
        this.ring = ring;
        ring.registration().registerFilesSparse(SLOTS);
        for (int i = 0; i < SLOTS; i++) free[freeCount++] = SLOTS - 1 - i;
    }

    /** Installs {@code fd} in a free slot; -1 when the table is full (the caller then uses the fd). */
    int install(int fd) {
        if (freeCount == 0) return -1;
        int slot = free[--freeCount];
        ring.registration().updateFiles(slot, new int[] {fd});
        return slot;
    }

    /**
     * Empties {@code slot}; requests still holding the file keep their own reference. The SQEs
     * already prepared are submitted first: the update is a syscall that takes effect at once,
     * and a request still in the SQ would otherwise find the slot empty, or holding the next
     * file installed there, when the kernel issues it.
     */
    void remove(int slot) {
        ring.submit();
        ring.registration().updateFiles(slot, new int[] {-1});
        free[freeCount++] = slot;
    }
}
