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

    /** {@code struct statx} as of Linux 6.x, the fields this class reads named, the rest padding to 256 bytes. */
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
    /** Want or got the file type bits of {@code stx_mode}. */
    public static final int STATX_TYPE = 0x001;
    /** Want or got the permission bits of {@code stx_mode}. */
    public static final int STATX_MODE = 0x002;
    /** Want or got {@code stx_nlink}, the hard link count. */
    public static final int STATX_NLINK = 0x004;
    /** Want or got {@code stx_uid}, the owner. */
    public static final int STATX_UID = 0x008;
    /** Want or got {@code stx_gid}, the group. */
    public static final int STATX_GID = 0x010;
    /** Want or got {@code stx_atime}, the last access time. */
    public static final int STATX_ATIME = 0x020;
    /** Want or got {@code stx_mtime}, the last modification time. */
    public static final int STATX_MTIME = 0x040;
    /** Want or got {@code stx_ctime}, the last status change time. */
    public static final int STATX_CTIME = 0x080;
    /** Want or got {@code stx_ino}, the inode number. */
    public static final int STATX_INO = 0x100;
    /** Want or got {@code stx_size}, the size in bytes. */
    public static final int STATX_SIZE = 0x200;
    /** Want or got {@code stx_blocks}, the 512-byte blocks allocated. */
    public static final int STATX_BLOCKS = 0x400;
    /** Everything stat(2) returns. */
    public static final int STATX_BASIC_STATS = 0x7ff;
    /** Want or got {@code stx_btime}, the creation time (not every file system has one). */
    public static final int STATX_BTIME = 0x800;

    /* File type bits of stx_mode. */
    /** The mask of the file type bits in {@code stx_mode}. */
    public static final int S_IFMT = 0170000;
    /** File type: a directory. */
    public static final int S_IFDIR = 0040000;
    /** File type: a regular file. */
    public static final int S_IFREG = 0100000;
    /** File type: a symbolic link. */
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

    /**
     * Allocates a zeroed statx buffer.
     *
     * @param allocator where the {@link #BYTES}-byte buffer is allocated (it shares its lifetime)
     * @return a view of the new buffer
     */
    public static Statx allocate(SegmentAllocator allocator) {
        return new Statx(allocator.allocate(LAYOUT));
    }

    /**
     * A view of an existing buffer, e.g. one a statx request filled.
     *
     * @param segment the buffer, at least {@link #BYTES} bytes
     * @return a view that reads {@code segment}
     * @throws IllegalArgumentException if {@code segment} is smaller than {@link #BYTES}
     */
    public static Statx of(MemorySegment segment) {
        if (segment.byteSize() < BYTES) {
            throw new IllegalArgumentException("struct statx needs " + BYTES + " bytes, given a segment of "
                    + segment.byteSize());
        }
        return new Statx(segment);
    }

    /**
     * The buffer this view reads.
     *
     * @return the segment, to pass to {@link FsOps#prepStatx}
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * Reads {@code stx_mask}.
     *
     * @return which {@code STATX_*} fields the kernel filled
     */
    public int mask() {
        return segment.get(JAVA_INT, MASK);
    }

    /**
     * Reads {@code stx_blksize}.
     *
     * @return the preferred block size for efficient I/O, in bytes
     */
    public int blksize() {
        return segment.get(JAVA_INT, BLKSIZE);
    }

    /**
     * Reads {@code stx_nlink} (with {@link #STATX_NLINK}).
     *
     * @return the number of hard links
     */
    public int nlink() {
        return segment.get(JAVA_INT, NLINK);
    }

    /**
     * Reads {@code stx_uid} (with {@link #STATX_UID}).
     *
     * @return the owner's user id
     */
    public int uid() {
        return segment.get(JAVA_INT, UID);
    }

    /**
     * Reads {@code stx_gid} (with {@link #STATX_GID}).
     *
     * @return the owner's group id
     */
    public int gid() {
        return segment.get(JAVA_INT, GID);
    }

    /**
     * Reads {@code stx_mode} (with {@link #STATX_TYPE} and {@link #STATX_MODE}).
     *
     * @return the file type and permission bits, as an unsigned value
     */
    public int mode() {
        return Short.toUnsignedInt(segment.get(JAVA_SHORT, MODE));
    }

    /**
     * The permission bits of {@link #mode()}.
     *
     * @return the permission, set-id and sticky bits (e.g. {@code 0644})
     */
    public int permissions() {
        return mode() & 07777;
    }

    /**
     * Whether the file type in {@link #mode()} is a directory.
     *
     * @return whether the file is a directory
     */
    public boolean isDirectory() {
        return (mode() & S_IFMT) == S_IFDIR;
    }

    /**
     * Whether the file type in {@link #mode()} is a regular file.
     *
     * @return whether the file is a regular file
     */
    public boolean isRegularFile() {
        return (mode() & S_IFMT) == S_IFREG;
    }

    /**
     * Whether the file type in {@link #mode()} is a symbolic link (seen only with {@link FsOps#AT_SYMLINK_NOFOLLOW}).
     *
     * @return whether the file is a symbolic link
     */
    public boolean isSymbolicLink() {
        return (mode() & S_IFMT) == S_IFLNK;
    }

    /**
     * Reads {@code stx_ino} (with {@link #STATX_INO}).
     *
     * @return the inode number
     */
    public long ino() {
        return segment.get(JAVA_LONG, INO);
    }

    /**
     * Reads {@code stx_size} (with {@link #STATX_SIZE}).
     *
     * @return the file size in bytes
     */
    public long size() {
        return segment.get(JAVA_LONG, SIZE);
    }

    /**
     * Reads {@code stx_blocks} (with {@link #STATX_BLOCKS}).
     *
     * @return the number of 512-byte blocks allocated
     */
    public long blocks() {
        return segment.get(JAVA_LONG, BLOCKS);
    }

    /**
     * Reads {@code stx_atime} (with {@link #STATX_ATIME}).
     *
     * @return the last access time
     */
    public Instant atime() {
        return time(ATIME);
    }

    /**
     * Reads {@code stx_btime} (with {@link #STATX_BTIME}).
     *
     * @return the creation time
     */
    public Instant btime() {
        return time(BTIME);
    }

    /**
     * Reads {@code stx_ctime} (with {@link #STATX_CTIME}).
     *
     * @return the last status change time
     */
    public Instant ctime() {
        return time(CTIME);
    }

    /**
     * Reads {@code stx_mtime} (with {@link #STATX_MTIME}).
     *
     * @return the last modification time
     */
    public Instant mtime() {
        return time(MTIME);
    }

    private Instant time(long at) {
        return Instant.ofEpochSecond(segment.get(JAVA_LONG, at), Integer.toUnsignedLong(segment.get(JAVA_INT, at + TV_NSEC)));
    }
}
