package io.uring4j.core;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A parser for what multishot recvmsg ({@link SendRecvOps#prepRecvmsgMultishot}) writes into
 * each provided buffer: the port of liburing's {@code io_uring_recvmsg_validate},
 * {@code _name}, {@code _payload} and {@code _payload_length}.
 *
 * <pre>
 *  0         4            8            12      16                 16+N          16+N+C       res
 *  +---------+------------+------------+-------+------------------+-------------+------------+
 *  | namelen | controllen | payloadlen | flags | name (N bytes)   | control (C) | payload    |
 *  +---------+------------+------------+-------+------------------+-------------+------------+
 * </pre>
 *
 * N and C are the {@code msg_namelen} and {@code msg_controllen} of the msghdr the request was
 * prepared with: the kernel reserves that room whatever it actually fills. The header fields give
 * the real sizes, which may exceed the room: that is how truncation shows.
 *
 * <p>One parser serves many buffers: construct it once per request and call {@link #wrap} per
 * CQE; it allocates nothing but the slices it returns. Not thread-safe.
 */
public final class RecvmsgOut {
    /** {@code sizeof(struct io_uring_recvmsg_out)}: 16. */
    public static final int BYTES = (int) Layouts.RECVMSG_OUT.byteSize();

    private final int nameRoom;
    private final int controlRoom;
    private MemorySegment buffer = MemorySegment.NULL;
    private int length;

    /**
     * A parser for buffers filled by a request prepared with {@code msghdr}.
     *
     * @param msghdr the header the multishot recvmsg was prepared with; its name and control
     *               lengths are read now
     * @throws IllegalArgumentException if those lengths are negative or the control length is
     *                                  above {@link Integer#MAX_VALUE}
     */
    public RecvmsgOut(MemorySegment msghdr) {
        this(Msghdr.nameLength(msghdr), Msghdr.controlLength(msghdr));
    }

    /**
     * A parser for a request whose msghdr had these {@code msg_namelen} and {@code msg_controllen}.
     *
     * @param nameRoom    the {@code msg_namelen} the request was prepared with ({@code >= 0})
     * @param controlRoom the {@code msg_controllen} it was prepared with (0..{@link Integer#MAX_VALUE})
     * @throws IllegalArgumentException if either is out of range
     */
    public RecvmsgOut(int nameRoom, long controlRoom) {
        if (nameRoom < 0 || controlRoom < 0 || controlRoom > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("name and control room are within 0.." + Integer.MAX_VALUE
                    + ", given " + nameRoom + " and " + controlRoom);
        }
        this.nameRoom = nameRoom;
        this.controlRoom = (int) controlRoom;
    }

    /**
     * Points this parser at a provided buffer holding {@code length} bytes (the CQE's res).
     * Port of {@code io_uring_recvmsg_validate}: refuses a length that cannot hold the header plus
     * the reserved name and control room.
     *
     * @param buffer the provided buffer the CQE names
     * @param length the CQE's {@code res}: the bytes written into {@code buffer}
     * @return this parser, now reading {@code buffer}
     * @throws IllegalArgumentException if {@code length} is too short or exceeds the buffer
     */
    public RecvmsgOut wrap(MemorySegment buffer, int length) {
        long need = (long) BYTES + nameRoom + controlRoom;
        if (length < need || length > buffer.byteSize()) {
            throw new IllegalArgumentException("a recvmsg_out of " + BYTES + " header + " + nameRoom + " name + "
                    + controlRoom + " control bytes needs a length within " + need + ".." + buffer.byteSize()
                    + ", given " + length);
        }
        this.buffer = buffer;
        this.length = length;
        return this;
    }

    /**
     * Reads {@code namelen} of the wrapped buffer.
     *
     * @return the length of the sender's address in bytes (may exceed the reserved room)
     */
    public int nameLength() {
        return buffer.get(JAVA_INT, Layouts.RECVMSG_OUT_NAMELEN);
    }

    /**
     * Reads {@code controllen} of the wrapped buffer.
     *
     * @return the bytes of control data written (at most the reserved room)
     */
    public int controlLength() {
        return buffer.get(JAVA_INT, Layouts.RECVMSG_OUT_CONTROLLEN);
    }

    /**
     * {@code payloadlen}: the payload bytes received; the message's full length, even if it did
     * not fit, when the request was prepared with {@link Msghdr#MSG_TRUNC} in its flags.
     *
     * @return the payload length the kernel reported
     */
    public int payloadLength() {
        return buffer.get(JAVA_INT, Layouts.RECVMSG_OUT_PAYLOADLEN);
    }

    /**
     * Reads {@code flags} of the wrapped buffer.
     *
     * @return the message's MSG_* flags ({@link Msghdr#MSG_TRUNC}, {@link Msghdr#MSG_CTRUNC})
     */
    public int flags() {
        return buffer.get(JAVA_INT, Layouts.RECVMSG_OUT_FLAGS);
    }

    /**
     * The sender's address as written: {@code min(namelen, room)} bytes.
     *
     * @return a slice of the buffer, {@code min(namelen, room)} bytes (see {@link SocketAddresses#read})
     */
    public MemorySegment name() {
        return buffer.asSlice(BYTES, Math.min(Integer.toUnsignedLong(nameLength()), nameRoom));
    }

    /**
     * The control messages as written: {@code min(controllen, room)} bytes.
     *
     * @return a slice of the buffer, {@code min(controllen, room)} bytes
     */
    public MemorySegment control() {
        return buffer.asSlice(BYTES + nameRoom, Math.min(Integer.toUnsignedLong(controlLength()), controlRoom));
    }

    /**
     * The payload bytes present in this buffer (port of {@code io_uring_recvmsg_payload_length}).
     *
     * @return a slice of the buffer: the bytes after the header, name and control room, up to the CQE's length
     */
    public MemorySegment payload() {
        long start = (long) BYTES + nameRoom + controlRoom;
        return buffer.asSlice(start, length - start);
    }

    /**
     * Whether the address did not fit the reserved name room.
     *
     * @return whether {@link #nameLength()} exceeds the room reserved for the name
     */
    public boolean isNameTruncated() {
        return Integer.toUnsignedLong(nameLength()) > nameRoom;
    }

    /**
     * Whether control data was cut (MSG_CTRUNC).
     *
     * @return whether {@link Msghdr#MSG_CTRUNC} is set
     */
    public boolean isControlTruncated() {
        return (flags() & Msghdr.MSG_CTRUNC) != 0;
    }

    /**
     * Whether the message was longer than the room left in the buffer.
     *
     * @return whether {@link Msghdr#MSG_TRUNC} is set, or fewer payload bytes arrived than
     *         {@link #payloadLength()} says
     */
    public boolean isPayloadTruncated() {
        return (flags() & Msghdr.MSG_TRUNC) != 0 || Integer.toUnsignedLong(payloadLength()) > payload().byteSize();
    }
}
