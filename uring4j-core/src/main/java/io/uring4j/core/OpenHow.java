package io.uring4j.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code struct open_how}: the argument of openat2(2) and {@link FsOps#prepOpenat2}.
 *
 * <pre>
 *  0                 8                 16                24
 *  +-----------------+-----------------+-----------------+
 *  | flags (O_*)     | mode            | resolve         |
 *  +-----------------+-----------------+-----------------+
 * </pre>
 *
 * <p>The kernel copies it when the request is submitted: it must live until the submitting
 * enter returns ({@link Feature#SUBMIT_STABLE}, no SQPOLL), until completion otherwise.
 */
public final class OpenHow {
    private OpenHow() {}

    /** {@code struct open_how}: three 64-bit fields. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("flags"),
            JAVA_LONG.withName("mode"),
            JAVA_LONG.withName("resolve")
    ).withName("open_how");

    /** Bytes of the struct (24), the size openat2 is told. */
    public static final long BYTES = LAYOUT.byteSize();

    private static final long FLAGS = LAYOUT.byteOffset(groupElement("flags"));
    private static final long MODE = LAYOUT.byteOffset(groupElement("mode"));
    private static final long RESOLVE = LAYOUT.byteOffset(groupElement("resolve"));

    /* RESOLVE_* bits for {@code resolve} (see openat2(2)). */
    /** {@code RESOLVE_NO_XDEV}: fail with EXDEV if the lookup would cross a mount point. */
    public static final long RESOLVE_NO_XDEV = 0x01;
    /** {@code RESOLVE_NO_MAGICLINKS}: fail with ELOOP at a "magic link" such as {@code /proc/self/fd/N}. */
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    /** {@code RESOLVE_NO_SYMLINKS}: fail with ELOOP at any symbolic link in the path. */
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    /** {@code RESOLVE_BENEATH}: fail with EXDEV if the lookup would leave the directory {@code dfd}. */
    public static final long RESOLVE_BENEATH = 0x08;
    /** {@code RESOLVE_IN_ROOT}: resolve as if {@code dfd} were the root directory (as chroot). */
    public static final long RESOLVE_IN_ROOT = 0x10;
    /** {@code RESOLVE_CACHED}: fail with EAGAIN unless the lookup can be done from cache alone. */
    public static final long RESOLVE_CACHED = 0x20;

    /**
     * Allocates an open_how holding the given values.
     *
     * @param allocator where it is allocated (it shares its lifetime)
     * @param flags     the {@code O_*} open flags ({@link FsOps#O_RDONLY}, …); openat2 refuses unknown bits
     * @param mode      the permission bits for a file {@link FsOps#O_CREAT} creates, else 0
     * @param resolve   {@code RESOLVE_*} bits, or 0
     * @return a {@link #BYTES}-byte segment
     */
    public static MemorySegment allocate(SegmentAllocator allocator, long flags, long mode, long resolve) {
        MemorySegment how = allocator.allocate(LAYOUT);
        how.set(JAVA_LONG, FLAGS, flags);
        how.set(JAVA_LONG, MODE, mode);
        how.set(JAVA_LONG, RESOLVE, resolve);
        return how;
    }

    /**
     * Reads {@code flags}.
     *
     * @param how an open_how
     * @return the {@code O_*} open flags
     */
    public static long flags(MemorySegment how) {
        return how.get(JAVA_LONG, FLAGS);
    }

    /**
     * Reads {@code mode}.
     *
     * @param how an open_how
     * @return the creation mode
     */
    public static long mode(MemorySegment how) {
        return how.get(JAVA_LONG, MODE);
    }

    /**
     * Reads {@code resolve}.
     *
     * @param how an open_how
     * @return the {@code RESOLVE_*} bits
     */
    public static long resolve(MemorySegment how) {
        return how.get(JAVA_LONG, RESOLVE);
    }
}
