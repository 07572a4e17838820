package io.uring4j.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code struct msghdr} (x86-64 / LP64 layout) for sendmsg, recvmsg and their zero-copy and
 * multishot forms, with the {@code struct iovec} array it points at.
 *
 * <pre>
 *  0                  8             12        16                 24
 *  +------------------+-------------+---------+------------------+
 *  | msg_name *       | msg_namelen | (pad)   | msg_iov *        |
 *  +------------------+-------------+---------+------------------+
 *  | msg_iovlen       | msg_control *         | msg_controllen   |  24, 32, 40
 *  +------------------+-------------+---------+------------------+
 *  | msg_flags | (pad)|                                             48; 56 bytes in all
 *  +-----------+------+
 * </pre>
 *
 * <p><b>Lifetimes.</b> The kernel copies the header and iovecs when the request is issued, so
 * for sendmsg they must live until the submitting enter returns ({@link Feature#SUBMIT_STABLE},
 * no SQPOLL) and until completion otherwise. recvmsg writes {@code msg_namelen},
 * {@code msg_controllen} and {@code msg_flags} back into the header when it completes, so a
 * recvmsg header lives until completion. The name, control and data buffers always live until
 * completion.
 *
 * <p>Name, control and data buffers may be read-only for sendmsg. recvmsg writes into them:
 * {@link SendRecvOps#prepRecvmsg} refuses a read-only header, and one whose name, control or
 * iovec buffers were set here (or through {@link Iovecs#set}) from a read-only segment.
 */
public final class Msghdr {
    private Msghdr() {}

    /** {@code struct msghdr} on a 64-bit Linux, with its padding; field names as in C. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            JAVA_LONG.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4)
    ).withName("msghdr");

    /* MSG_* flags of send/recv (msg_flags in the SQE and in the header): SocketConstants' values. */
    /** {@link SocketConstants#MSG_PEEK}. */
    public static final int MSG_PEEK = SocketConstants.MSG_PEEK;
    /** {@link SocketConstants#MSG_CTRUNC}. */
    public static final int MSG_CTRUNC = SocketConstants.MSG_CTRUNC;
    /** {@link SocketConstants#MSG_TRUNC}. */
    public static final int MSG_TRUNC = SocketConstants.MSG_TRUNC;
    /** {@link SocketConstants#MSG_DONTWAIT}. */
    public static final int MSG_DONTWAIT = SocketConstants.MSG_DONTWAIT;
    /** {@link SocketConstants#MSG_WAITALL}. */
    public static final int MSG_WAITALL = SocketConstants.MSG_WAITALL;
    /** {@link SocketConstants#MSG_NOSIGNAL}. */
    public static final int MSG_NOSIGNAL = SocketConstants.MSG_NOSIGNAL;
    /** {@link SocketConstants#MSG_ZEROCOPY}. */
    public static final int MSG_ZEROCOPY = SocketConstants.MSG_ZEROCOPY;

    /** {@code sizeof(struct msghdr)}: 56. */
    public static final long BYTES = LAYOUT.byteSize();
    /** {@code sizeof(struct iovec)}: 16 (base, length). */
    public static final long IOVEC_BYTES = Layouts.IOVEC.byteSize();

    static final long NAME = LAYOUT.byteOffset(groupElement("msg_name"));
    static final long NAMELEN = LAYOUT.byteOffset(groupElement("msg_namelen"));
    static final long IOV = LAYOUT.byteOffset(groupElement("msg_iov"));
    static final long IOVLEN = LAYOUT.byteOffset(groupElement("msg_iovlen"));
    static final long CONTROL = LAYOUT.byteOffset(groupElement("msg_control"));
    static final long CONTROLLEN = LAYOUT.byteOffset(groupElement("msg_controllen"));
    static final long FLAGS = LAYOUT.byteOffset(groupElement("msg_flags"));

    /**
     * A header with one iovec per buffer (each covering the whole buffer), allocated together
     * with its iovec array from {@code allocator}. {@code name} and {@code control} may be
     * {@link MemorySegment#NULL}; otherwise their whole size is offered to the kernel.
     *
     * <p>For multishot recvmsg pass no buffers: the data goes to a provided buffer, and the
     * name and control sizes given here are what the kernel reserves in front of it.
     *
     * @param allocator where the header and its iovec array are allocated (they share its lifetime)
     * @param name      the buffer for the peer address ({@code msg_name}), or {@link MemorySegment#NULL}
     * @param control   the buffer for ancillary data ({@code msg_control}), or {@link MemorySegment#NULL}
     * @param buffers   the data buffers, one iovec each, in order (native segments)
     * @return the new header, {@link #BYTES} bytes
     * @throws IllegalArgumentException if {@code name} is larger than {@link Integer#MAX_VALUE}
     *                                  bytes, or a non-NULL segment is not native
     * @throws IllegalStateException    if the arena of one of the segments is already closed
     */
    public static MemorySegment allocate(SegmentAllocator allocator, MemorySegment name, MemorySegment control,
                                         MemorySegment... buffers) {
        MemorySegment msg = allocator.allocate(LAYOUT);
        MemorySegment iov = buffers.length == 0 ? MemorySegment.NULL : allocator.allocate(IOVEC_BYTES * buffers.length, 8);
        for (int i = 0; i < buffers.length; i++) {
            Iovecs.set(iov, i, buffers[i]); // remembers read-only buffers, refused by prepRecvmsg
        }
        setName(msg, name, name.byteSize());
        setControl(msg, control, control.byteSize());
        setIov(msg, iov, buffers.length);
        return msg;
    }

    /**
     * Sets {@code msg_name} to the first {@code length} bytes of {@code name} (NULL: none).
     *
     * @param msg    the header to write
     * @param name   the address buffer, or {@link MemorySegment#NULL} (with {@code length} 0)
     * @param length {@code msg_namelen}: 0..{@code name.byteSize()}
     * @throws IllegalArgumentException if {@code length} is out of range, or a non-NULL
     *                                  {@code name} is not a native segment
     * @throws IllegalStateException    if the arena of {@code name} is already closed
     */
    public static void setName(MemorySegment msg, MemorySegment name, long length) {
        checkLength(name, length, Integer.MAX_VALUE, "msg_namelen");
        msg.set(JAVA_LONG, NAME, name.equals(MemorySegment.NULL) ? 0 : Sqe.address(name, "msg_name"));
        msg.set(JAVA_INT, NAMELEN, (int) length);
        ReadOnlyTargets.note(msg, msg.address() + NAME, name);
    }

    /**
     * Sets {@code msg_control} to the first {@code length} bytes of {@code control} (NULL: none).
     *
     * @param msg     the header to write
     * @param control the ancillary-data buffer, or {@link MemorySegment#NULL} (with {@code length} 0)
     * @param length  {@code msg_controllen}: 0..{@code control.byteSize()}
     * @throws IllegalArgumentException if {@code length} is out of range, or a non-NULL
     *                                  {@code control} is not a native segment
     * @throws IllegalStateException    if the arena of {@code control} is already closed
     */
    public static void setControl(MemorySegment msg, MemorySegment control, long length) {
        checkLength(control, length, Long.MAX_VALUE, "msg_controllen");
        msg.set(JAVA_LONG, CONTROL, control.equals(MemorySegment.NULL) ? 0 : Sqe.address(control, "msg_control"));
        msg.set(JAVA_LONG, CONTROLLEN, length);
        ReadOnlyTargets.note(msg, msg.address() + CONTROL, control);
    }

    /**
     * Points {@code msg_iov} at the first {@code count} entries of an iovec array (see
     * {@link Iovecs}). Only the address is recorded: the array lives as long as the header must.
     *
     * @param msg    the header to write
     * @param iovecs the iovec array, or {@link MemorySegment#NULL} (with {@code count} 0)
     * @param count  {@code msg_iovlen}: 0..the number of entries {@code iovecs} holds
     * @throws IllegalArgumentException if {@code count} is out of range, or a non-NULL
     *                                  {@code iovecs} is not a native segment
     * @throws IllegalStateException    if the arena of {@code iovecs} is already closed
     */
    public static void setIov(MemorySegment msg, MemorySegment iovecs, int count) {
        if (count < 0 || count * IOVEC_BYTES > iovecs.byteSize()) {
            throw new IllegalArgumentException("msg_iovlen must be within 0.." + iovecs.byteSize() / IOVEC_BYTES
                    + " (the entries the iovec segment holds), given " + count);
        }
        msg.set(JAVA_LONG, IOV, iovecs.equals(MemorySegment.NULL) ? 0 : Sqe.address(iovecs, "msg_iov"));
        msg.set(JAVA_LONG, IOVLEN, count);
    }

    /**
     * Refuses a header recvmsg cannot write through: read-only itself, or with a name, control
     * or iovec buffer set from a read-only segment.
     */
    static void requireWritableTargets(MemorySegment msg, String what) {
        Sqe.writable(msg, what);
        if (ReadOnlyTargets.none()) {
            return;
        }
        long at = msg.address();
        if (ReadOnlyTargets.isReadOnly(at + NAME, true, msg.get(JAVA_LONG, NAME))) {
            throw new IllegalArgumentException(what + ": msg_name must be writable (the kernel writes into it), given a read-only segment");
        }
        if (ReadOnlyTargets.isReadOnly(at + CONTROL, true, msg.get(JAVA_LONG, CONTROL))) {
            throw new IllegalArgumentException(what + ": msg_control must be writable (the kernel writes into it), given a read-only segment");
        }
        Iovecs.requireWritableBuffers(msg.get(JAVA_LONG, IOV), msg.get(JAVA_LONG, IOVLEN), what);
    }

    /**
     * Reads {@code msg_namelen}.
     *
     * @param msg the header
     * @return after recvmsg, the length of the sender's address in bytes
     */
    public static int nameLength(MemorySegment msg) {
        return msg.get(JAVA_INT, NAMELEN);
    }

    /**
     * Reads {@code msg_controllen}.
     *
     * @param msg the header
     * @return after recvmsg, the bytes of control data received
     */
    public static long controlLength(MemorySegment msg) {
        return msg.get(JAVA_LONG, CONTROLLEN);
    }

    /**
     * Reads {@code msg_iovlen}.
     *
     * @param msg the header
     * @return the number of iovecs {@code msg_iov} points at
     */
    public static long iovCount(MemorySegment msg) {
        return msg.get(JAVA_LONG, IOVLEN);
    }

    /**
     * Reads {@code msg_flags}.
     *
     * @param msg the header
     * @return after recvmsg, the {@code MSG_*} flags the kernel set ({@link #MSG_TRUNC},
     *         {@link #MSG_CTRUNC}, …)
     */
    public static int flags(MemorySegment msg) {
        return msg.get(JAVA_INT, FLAGS);
    }

    private static void checkLength(MemorySegment seg, long length, long max, String what) {
        if (length < 0 || length > seg.byteSize() || length > max) {
            throw new IllegalArgumentException(what + " must be within the segment (0.." + Math.min(seg.byteSize(), max)
                    + "), given " + length);
        }
    }
}
