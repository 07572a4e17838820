package io.uring4j.core;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which pointer fields of iovec arrays and msghdrs were last filled, through {@link Iovecs} or
 * {@link Msghdr}, from a read-only segment. An iovec array serves readv as well as writev, and
 * the kernel writes through it only for the former, so {@code Iovecs.set} accepts read-only
 * buffers and the vectored receive helpers ({@code prepReadv*}, {@code prepRecvmsg}) ask here
 * whether any entry they hand the kernel points at one.
 *
 * <p>A mark is keyed by the field's native address and remembers the pointer written there and
 * the scope of the memory holding the field: a field overwritten through the same classes with a
 * writable segment loses its mark, and a mark whose holder was freed (its scope dead or
 * collected) is ignored and dropped, so memory reused for another array is never mistaken for the
 * old one. Fields written by other means are not seen. When no mark exists (the common case)
 * every call is one emptiness test, without allocating.
 */
final class ReadOnlyTargets {
    private ReadOnlyTargets() {}

    /** The pointer written at a field, and the scope of the memory holding the field. */
    private record Mark(long pointer, WeakReference<MemorySegment.Scope> holder) {
        boolean holderAlive() {
            MemorySegment.Scope s = holder.get();
            return s != null && s.isAlive();
        }
    }

    private static final ConcurrentHashMap<Long, Mark> MARKS = new ConcurrentHashMap<>();
    /** Size at which the next {@link #note} drops marks of freed holders; doubles with live marks. */
    private static volatile int pruneAt = 1024;

    /**
     * Records that the pointer field at {@code fieldAddress} inside {@code holder} now points at
     * {@code target}: marked if {@code target} is read-only, unmarked otherwise.
     */
    static void note(MemorySegment holder, long fieldAddress, MemorySegment target) {
        if (target.isReadOnly()) {
            MARKS.put(fieldAddress, new Mark(target.address(), new WeakReference<>(holder.scope())));
            if (MARKS.size() >= pruneAt) {
                prune();
            }
        } else if (!MARKS.isEmpty()) {
            MARKS.remove(fieldAddress);
        }
    }

    /**
     * Whether the field at {@code fieldAddress} is marked read-only and its holder is alive. With
     * {@code compare}, the mark must also match {@code pointerNow}, the pointer the field holds
     * now (callers that cannot read the field safely pass false).
     */
    static boolean isReadOnly(long fieldAddress, boolean compare, long pointerNow) {
        if (MARKS.isEmpty()) {
            return false;
        }
        Mark m = MARKS.get(fieldAddress);
        if (m == null) {
            return false;
        }
        if (!m.holderAlive()) {
            MARKS.remove(fieldAddress, m);
            return false;
        }
        return !compare || m.pointer == pointerNow;
    }

    /** Whether any mark exists at all: the fast path of the checks. */
    static boolean none() {
        return MARKS.isEmpty();
    }

    private static synchronized void prune() {
        MARKS.values().removeIf(m -> !m.holderAlive());
        pruneAt = Math.max(1024, 2 * MARKS.size());
    }
}
