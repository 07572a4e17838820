package io.uring4j.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.time.Instant;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A view of a {@code struct statx} (256 bytes), the buffer {@link FsOps#prepStatx} fills.
 *
 * <pre>
 *   0 stx_mask u32 | stx_blksize u32      8 stx_attributes u64
 *  16 stx_nlink u32 | stx_uid u32        24 stx_gid u32 | stx_mode u16 | __spare0 u16
 *  32 stx_ino u64                        40 stx_size u64
 *  48 stx_blocks u64                     56 stx_attributes_mask u64
 *  64 stx_atime   80 stx_btime   96 stx_ctime   112 stx_mtime   (statx_timestamp, 16 bytes each:
 *                                                                tv_sec s64, tv_nsec u32, pad)
 * 128 stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor (u32 each)
 * 144 stx_mnt_id u64   152 stx_dio_mem_align u32, stx_dio_offset_align u32   160 stx_subvol u64
 * 168 newer fields and spare space up to 256
 * </pre>
 *
 * <p>The kernel writes the buffer when the request runs: it must live until completion. Only
 * the fields whose {@code STATX_*} bit is in {@link #mask()} were filled.
 */
public final class Statx {

    private static final StructLayout TIMESTAMP = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_INT.withName("tv_nsec"), JAVA_INT.withName("__reserved")
    ).withName("statx_timestamp");

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("stx_mask"),
            JAVA_INT.withName("stx_blksize"),
            JAVA_LONG.withName("stx_attributes"),
            JAVA_INT.withName("stx_nlink"),
            JAVA_INT.withName("stx_uid"),
            JAVA_INT.withName("stx_gid"),
            JAVA_SHORT.withName("stx_mode"),
            JAVA_SHORT.withName("__spare0"),
            JAVA_LONG.withName("stx_ino"),
            JAVA_LONG.withName("stx_size"),
            JAVA_LONG.withName("stx_blocks"),
            JAVA_LONG.withName("stx_attributes_mask"),
            TIMESTAMP.withName("stx_atime"),
            TIMESTAMP.withName("stx_btime"),
            TIMESTAMP.withName("stx_ctime"),
            TIMESTAMP.withName("stx_mtime"),
            JAVA_INT.withName("stx_rdev_major"),
            JAVA_INT.withName("stx_rdev_minor"),
            JAVA_INT.withName("stx_dev_major"),
            JAVA_INT.withName("stx_dev_minor"),
            JAVA_LONG.withName("stx_mnt_id"),
            JAVA_INT.withName("stx_dio_mem_align"),
            JAVA_INT.withName("stx_dio_offset_align"),
            JAVA_LONG.withName("stx_subvol"),
            MemoryLayout.paddingLayout(88)
    ).withName("statx");

    /** Bytes of the struct (256): the kernel always writes this many. */
    public static final long BYTES = LAYOUT.byteSize();

    /* STATX_* bits for the request mask and {@link #mask()}. */
    public static final int STATX_TYPE = 0x001;
    public static final int STATX_MODE = 0x002;
    public static final int STATX_NLINK = 0x004;
    public static final int STATX_UID = 0x008;
    public static final int STATX_GID = 0x010;
    public static final int STATX_ATIME = 0x020;
    public static final int STATX_MTIME = 0x040;
    public static final int STATX_CTIME = 0x080;
    public static final int STATX_INO = 0x100;
    public static final int STATX_SIZE = 0x200;
    public static final int STATX_BLOCKS = 0x400;
    /** Everything stat(2) returns. */
    public static final int STATX_BASIC_STATS = 0x7ff;
    public static final int STATX_BTIME = 0x800;

    /* File type bits of stx_mode. */
    public static final int S_IFMT = 0170000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;

    private static final long MASK = off("stx_mask");
    private static final long BLKSIZE = off("stx_blksize");
    private static final long NLINK = off("stx_nlink");
    private static final long UID = off("stx_uid");
    private static final long GID = off("stx_gid");
    private static final long MODE = off("stx_mode");
    private static final long INO = off("stx_ino");
    private static final long SIZE = off("stx_size");
    private static final long BLOCKS = off("stx_blocks");
    private static final long ATIME = off("stx_atime");
    private static final long BTIME = off("stx_btime");
    private static final long CTIME = off("stx_ctime");
    private static final long MTIME = off("stx_mtime");
    private static final long TV_NSEC = TIMESTAMP.byteOffset(groupElement("tv_nsec"));

    private static long off(String field) {
        return LAYOUT.byteOffset(groupElement(field));
    }

    private final MemorySegment segment;

    private Statx(MemorySegment segment) {
        this.segment = segment;
    }

    /** A zeroed statx buffer. */
    public static Statx allocate(SegmentAllocator allocator) {
        return new Statx(allocator.allocate(LAYOUT));
    }

    /** A view of an existing buffer of at least {@link #BYTES} bytes. */
    public static Statx of(MemorySegment segment) {
        if (segment.byteSize() < BYTES) {
            throw new IllegalArgumentException("struct statx needs " + BYTES + " bytes, given a segment of "
                    + segment.byteSize());
        }
        return new Statx(segment);
    }

    /** The buffer, to pass to {@link FsOps#prepStatx}. */
    public MemorySegment segment() {
        return segment;
    }

    /** {@code stx_mask}: which {@code STATX_*} fields the kernel filled. */
    public int mask() {
        return segment.get(JAVA_INT, MASK);
    }

    public int blksize() {
        return segment.get(JAVA_INT, BLKSIZE);
    }

    public int nlink() {
        return segment.get(JAVA_INT, NLINK);
    }

    public int uid() {
        return segment.get(JAVA_INT, UID);
    }

    public int gid() {
        return segment.get(JAVA_INT, GID);
    }

    /** {@code stx_mode}: file type and permission bits, as an unsigned value. */
    public int mode() {
        return Short.toUnsignedInt(segment.get(JAVA_SHORT, MODE));
    }

    /** The permission bits of {@link #mode()} (e.g. {@code 0644}). */
    public int permissions() {
        return mode() & 07777;
    }

    public boolean isDirectory() {
        return (mode() & S_IFMT) == S_IFDIR;
    }

    public boolean isRegularFile() {
        return (mode() & S_IFMT) == S_IFREG;
    }

    public boolean isSymbolicLink() {
        return (mode() & S_IFMT) == S_IFLNK;
    }

    public long ino() {
        return segment.get(JAVA_LONG, INO);
    }

    public long size() {
        return segment.get(JAVA_LONG, SIZE);
    }

    /** {@code stx_blocks}: 512-byte blocks allocated. */
    public long blocks() {
        return segment.get(JAVA_LONG, BLOCKS);
    }

    public Instant atime() {
        return time(ATIME);
    }

    public Instant btime() {
        return time(BTIME);
    }

    public Instant ctime() {
        return time(CTIME);
    }

    public Instant mtime() {
        return time(MTIME);
    }

    private Instant time(long at) {
        return Instant.ofEpochSecond(segment.get(JAVA_LONG, at), Integer.toUnsignedLong(segment.get(JAVA_INT, at + TV_NSEC)));
    }
}
