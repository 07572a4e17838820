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
    public static final long RESOLVE_NO_XDEV = 0x01;
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    public static final long RESOLVE_BENEATH = 0x08;
    public static final long RESOLVE_IN_ROOT = 0x10;
    public static final long RESOLVE_CACHED = 0x20;

    /** Allocates an open_how holding the given values. */
    public static MemorySegment allocate(SegmentAllocator allocator, long flags, long mode, long resolve) {
        MemorySegment how = allocator.allocate(LAYOUT);
        how.set(JAVA_LONG, FLAGS, flags);
        how.set(JAVA_LONG, MODE, mode);
        how.set(JAVA_LONG, RESOLVE, resolve);
        return how;
    }

    public static long flags(MemorySegment how) {
        return how.get(JAVA_LONG, FLAGS);
    }

    public static long mode(MemorySegment how) {
        return how.get(JAVA_LONG, MODE);
    }

    public static long resolve(MemorySegment how) {
        return how.get(JAVA_LONG, RESOLVE);
    }
}
