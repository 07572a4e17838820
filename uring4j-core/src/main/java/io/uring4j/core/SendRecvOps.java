package io.uring4j.core;

import java.lang.foreign.MemorySegment;

/**
 * Prep helpers that move data over sockets: send/recv, sendmsg/recvmsg, their multishot and
 * zero-copy forms. Implemented only by {@link Sqe}. {@code flags} arguments are send(2)/recv(2)'s
 * {@code MSG_*} flags ({@link Msghdr#MSG_WAITALL}, …); the IORING_RECVSEND_* flags below go in
 * {@code sqe->ioprio}.
 *
 * <p><b>Lifetimes.</b> Data buffers live until completion; for zero-copy sends until the
 * notification CQE (flag {@link CqeFlag#NOTIF}), because the kernel may still read them after the
 * result CQE. Any zero-copy result CQE with F_MORE, even a failed one, is followed by that
 * notification. A msghdr for sendmsg and a destination address for sendto are copied when the
 * request is issued: they live until the submitting enter returns ({@link Feature#SUBMIT_STABLE},
 * no SQPOLL), until completion otherwise. A recvmsg msghdr is written back at completion and lives
 * until then.
 *
 * <p><b>Provided buffers.</b> A receive with {@link SqeFlag#BUFFER_SELECT} and
 * {@link Sqe#bufGroup} takes its buffer from a {@link BufferRing} (or {@link BufferOps} legacy
 * group); pass {@link MemorySegment#NULL} and length 0 (or the most to receive) as the buffer. The
 * CQE names the buffer ({@link Cqe#bufferId()}). When the group is empty the CQE result is
 * -ENOBUFS and a multishot receive ends (no F_MORE): refill the group and submit again.
 */
public sealed interface SendRecvOps permits Sqe {

    /* IORING_RECVSEND_* flags (sqe->ioprio). */
    /** Arm poll first instead of trying the transfer at once (5.19). */
    int RECVSEND_POLL_FIRST = 1 << 0;
    /** Multishot receive: one CQE per message with F_MORE while armed (6.0). */
    int RECV_MULTISHOT = 1 << 1;
    /** The send buffer lies in registered buffer {@code buf_index} (zero-copy sends). */
    int RECVSEND_FIXED_BUF = 1 << 2;
    /** A zero-copy notification reports in its res whether data was copied (6.2). */
    int SEND_ZC_REPORT_USAGE = 1 << 3;
    /** Send or receive as many provided buffers as fit at once (6.10). */
    int RECVSEND_BUNDLE = 1 << 4;
    /** SEND / SEND_ZC take an iovec array instead of a buffer (6.17). */
    int SEND_VECTORIZED = 1 << 5;

    /**
     * {@code IORING_NOTIF_USAGE_ZC_COPIED}: set in a zero-copy notification's res (with
     * {@link #SEND_ZC_REPORT_USAGE}) when the kernel copied the data after all, e.g. on loopback.
     */
    int NOTIF_USAGE_ZC_COPIED = 1 << 31;

    /* ---- kernel 5.3 ---- */

    /**
     * Equivalent to {@code io_uring_prep_sendmsg(3)}; kernel 5.3. Like sendmsg(2) with a
     * {@link Msghdr}; the header lives until the submitting enter returns, the data until completion.
     * The CQE's {@code res} is the number of bytes sent, or {@code -errno}.
     *
     * @param fd    the socket
     * @param msg   the {@code struct msghdr} (at least {@link Msghdr#BYTES}); its name, control and
     *              data buffers may be read-only
     * @param flags {@code MSG_*} flags ({@link Msghdr#MSG_NOSIGNAL}, …), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code msg} is not a native segment or is shorter than
     *                                  {@link Msghdr#BYTES}
     * @throws IllegalStateException    if the arena of {@code msg} is already closed
     */
    @Prep(value = Opcode.SENDMSG, liburing = "io_uring_prep_sendmsg")
    default Sqe prepSendmsg(int fd, MemorySegment msg, int flags) {
        long addr = Sqe.struct(msg, Msghdr.BYTES, "prepSendmsg msghdr");
        return sqe().prepRw(Opcode.SENDMSG, fd, addr, 1, 0).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_recvmsg(3)}; kernel 5.3. Like recvmsg(2) with a
     * {@link Msghdr}; the header, name, control and data buffers all live until completion. The
     * kernel writes into all of them: a read-only header, or one whose buffers were set from
     * read-only segments through {@link Msghdr} or {@link Iovecs}, is refused. The CQE's
     * {@code res} is the number of bytes received (0: the peer shut down), or {@code -errno}.
     *
     * @param fd    the socket
     * @param msg   the {@code struct msghdr} (at least {@link Msghdr#BYTES}), written back at completion
     * @param flags {@code MSG_*} flags ({@link Msghdr#MSG_WAITALL}, …), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code msg} is not a native segment, is shorter than
     *                                  {@link Msghdr#BYTES} or is read-only, or its name, control
     *                                  or iovec buffers were set from read-only segments
     * @throws IllegalStateException    if the arena of {@code msg} is already closed
     */
    @Prep(value = Opcode.RECVMSG, liburing = "io_uring_prep_recvmsg")
    default Sqe prepRecvmsg(int fd, MemorySegment msg, int flags) {
        long addr = Sqe.struct(msg, Msghdr.BYTES, "prepRecvmsg msghdr");
        Msghdr.requireWritableTargets(msg, "prepRecvmsg msghdr");
        return sqe().prepRw(Opcode.RECVMSG, fd, addr, 1, 0).opFlags(flags);
    }

    /** The multishot form reads the header only; the kernel writes into provided buffers. */
    private Sqe recvmsgHeaderOnly(int fd, MemorySegment msg, int flags) {
        long addr = Sqe.struct(msg, Msghdr.BYTES, "prepRecvmsgMultishot msghdr");
        return sqe().prepRw(Opcode.RECVMSG, fd, addr, 1, 0).opFlags(flags);
    }

    /* ---- kernel 5.6 ---- */

    /**
     * Equivalent to {@code io_uring_prep_send(3)}; kernel 5.6. Sends the first {@code len} bytes
     * of {@code buf}, which lives until completion. The CQE's {@code res} is the number of bytes
     * sent (possibly fewer than {@code len}), or {@code -errno}.
     *
     * @param fd    the socket
     * @param buf   the data (may be read-only)
     * @param len   how many bytes of {@code buf} to send: 0..{@code buf.byteSize()}, at most
     *              {@link Integer#MAX_VALUE}
     * @param flags {@code MSG_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code len} is out of range, or {@code buf} is not a
     *                                  native segment
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.SEND, liburing = "io_uring_prep_send")
    default Sqe prepSend(int fd, MemorySegment buf, long len, int flags) {
        int n = Sqe.length(buf, len, "prepSend buffer");
        return sqe().prepRw(Opcode.SEND, fd, Sqe.address(buf, "prepSend buffer"), n, 0).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_send(3)}; kernel 5.6. Sends the {@code len} bytes of
     * {@code buf} from byte {@code bufOffset} on, without slicing the segment (allocates
     * nothing); {@code buf} lives until completion.
     *
     * @param fd        the socket
     * @param buf       the segment that holds the data (may be read-only)
     * @param bufOffset where in {@code buf} the data starts, in bytes
     * @param len       how many bytes to send ({@code >= 0})
     * @param flags     {@code MSG_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IndexOutOfBoundsException unless {@code [bufOffset, bufOffset + len)} lies in {@code buf}
     * @throws IllegalArgumentException  if {@code buf} is not a native segment
     * @throws IllegalStateException     if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.SEND, liburing = "io_uring_prep_send")
    default Sqe prepSend(int fd, MemorySegment buf, long bufOffset, int len, int flags) {
        long addr = Sqe.range(buf, bufOffset, len, "prepSend buffer");
        return sqe().prepRw(Opcode.SEND, fd, addr, len, 0).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_send(3)}; kernel 5.6. Sends the whole buffer, which lives
     * until completion.
     *
     * @param fd    the socket
     * @param buf   the data, all of it (at most {@link Integer#MAX_VALUE} bytes; may be read-only)
     * @param flags {@code MSG_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code buf} is not a native segment or is larger than
     *                                  {@link Integer#MAX_VALUE} bytes
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.SEND, liburing = "io_uring_prep_send")
    default Sqe prepSend(int fd, MemorySegment buf, int flags) {
        return prepSend(fd, buf, buf.byteSize(), flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_recv(3)}; kernel 5.6. Receives up to {@code len} bytes
     * into {@code buf}, which lives until completion. With {@link SqeFlag#BUFFER_SELECT} pass
     * {@link MemorySegment#NULL} and 0 (the whole selected buffer) or a cap. The CQE's
     * {@code res} is the number of bytes received (0: the peer shut down), or {@code -errno}.
     *
     * @param fd    the socket
     * @param buf   the destination (writable), or {@link MemorySegment#NULL} for a provided buffer
     * @param len   how many bytes to receive at most: 0..{@code buf.byteSize()}; with
     *              {@code NULL}, 0..{@link Integer#MAX_VALUE} (0: the whole selected buffer)
     * @param flags {@code MSG_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code len} is out of range, or {@code buf} is not
     *                                  {@code NULL} and is not a native segment or is read-only
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.RECV, liburing = "io_uring_prep_recv")
    default Sqe prepRecv(int fd, MemorySegment buf, long len, int flags) {
        if (buf.equals(MemorySegment.NULL)) {
            // a provided buffer will be selected: len only caps how much of it is used (0: all)
            if (len < 0 || len > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("prepRecv: with a selected buffer len is within 0.." + Integer.MAX_VALUE + ", given " + len);
            }
            return sqe().prepRw(Opcode.RECV, fd, 0, (int) len, 0).opFlags(flags);
        }
        int n = Sqe.length(buf, len, "prepRecv buffer");
        return sqe().prepRw(Opcode.RECV, fd, Sqe.writableAddress(buf, "prepRecv buffer"), n, 0).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_recv(3)}; kernel 5.6. Receives up to {@code len} bytes
     * into {@code buf} from byte {@code bufOffset} on, without slicing the segment (allocates
     * nothing); {@code buf} must be writable and live until completion.
     *
     * @param fd        the socket
     * @param buf       the segment that holds the destination bytes
     * @param bufOffset where in {@code buf} the destination starts, in bytes
     * @param len       how many bytes to receive at most ({@code >= 0})
     * @param flags     {@code MSG_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IndexOutOfBoundsException unless {@code [bufOffset, bufOffset + len)} lies in {@code buf}
     * @throws IllegalArgumentException  if {@code buf} is read-only or is not a native segment
     * @throws IllegalStateException     if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.RECV, liburing = "io_uring_prep_recv")
    default Sqe prepRecv(int fd, MemorySegment buf, long bufOffset, int len, int flags) {
        Sqe.writable(buf, "prepRecv buffer");
        long addr = Sqe.range(buf, bufOffset, len, "prepRecv buffer");
        return sqe().prepRw(Opcode.RECV, fd, addr, len, 0).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_recv(3)}; kernel 5.6. Receives into the whole buffer,
     * which must be writable and live until completion.
     *
     * @param fd    the socket
     * @param buf   the destination, all of it (at most {@link Integer#MAX_VALUE} bytes)
     * @param flags {@code MSG_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code buf} is not a native segment, is read-only or is
     *                                  larger than {@link Integer#MAX_VALUE} bytes
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.RECV, liburing = "io_uring_prep_recv")
    default Sqe prepRecv(int fd, MemorySegment buf, int flags) {
        return prepRecv(fd, buf, buf.byteSize(), flags);
    }

    /* ---- kernel 6.0 ---- */

    /**
     * Equivalent to {@code io_uring_prep_recv_multishot(3)}; kernel 6.0. Keeps receiving, one CQE
     * per chunk with F_MORE while armed; needs {@link SqeFlag#BUFFER_SELECT} and a
     * {@link Sqe#bufGroup}. {@code buf} is normally {@link MemorySegment#NULL} with {@code len}
     * 0; a non-zero {@code len} caps each receive. Ends with a CQE without F_MORE: EOF (res 0),
     * an error, or -ENOBUFS when the group ran dry.
     *
     * @param fd    the socket
     * @param buf   normally {@link MemorySegment#NULL}; otherwise checked as by
     *              {@link #prepRecv(int, MemorySegment, long, int)}
     * @param len   the most to receive per CQE (0: the whole selected buffer)
     * @param flags {@code MSG_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code len} is out of range, or a non-NULL {@code buf}
     *                                  is not a native segment or is read-only
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.RECV, liburing = "io_uring_prep_recv_multishot")
    default Sqe prepRecvMultishot(int fd, MemorySegment buf, long len, int flags) {
        return prepRecv(fd, buf, len, flags).ioprio(RECV_MULTISHOT);
    }

    /**
     * Equivalent to {@code io_uring_prep_recvmsg_multishot(3)}; kernel 6.0. Multishot recvmsg
     * into provided buffers: each buffer starts with an {@code io_uring_recvmsg_out} header,
     * then the name and control areas sized by {@code msg}'s namelen/controllen, then the
     * payload; parse it with {@link RecvmsgOut}. The header carries no iovecs. The kernel
     * reads {@code msg} when the request is issued (it lives until the submitting enter returns
     * with {@link Feature#SUBMIT_STABLE} and no SQPOLL, until completion otherwise); needs
     * {@link SqeFlag#BUFFER_SELECT} and a {@link Sqe#bufGroup}.
     *
     * @param fd    the socket
     * @param msg   the {@code struct msghdr} template (at least {@link Msghdr#BYTES}): only its
     *              {@code msg_namelen} and {@code msg_controllen} are used
     * @param flags {@code MSG_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code msg} is not a native segment or is shorter than
     *                                  {@link Msghdr#BYTES}
     * @throws IllegalStateException    if the arena of {@code msg} is already closed
     */
    @Prep(value = Opcode.RECVMSG, liburing = "io_uring_prep_recvmsg_multishot")
    default Sqe prepRecvmsgMultishot(int fd, MemorySegment msg, int flags) {
        return recvmsgHeaderOnly(fd, msg, flags).ioprio(RECV_MULTISHOT);
    }

    /**
     * Equivalent to {@code io_uring_prep_send_set_addr(3)}; kernel 6.0. Gives a SEND or SEND_ZC
     * a destination address (sendto semantics), copied when the request is issued. Call after
     * the prep helper. Not itself a prep helper: it writes no opcode.
     *
     * @param destAddr the destination {@code struct sockaddr} (see {@link SocketAddresses})
     * @param addrLen  how many bytes of {@code destAddr} the address takes: 0..65535, within
     *                 {@code destAddr}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if this entry is not a SEND or SEND_ZC (other opcodes
     *                                  read {@code addr2} as something else), {@code addrLen} is
     *                                  outside 0..65535 or does not fit {@code destAddr}, or
     *                                  {@code destAddr} is not a native segment
     * @throws IllegalStateException    if the arena of {@code destAddr} is already closed
     */
    default Sqe prepSendSetAddr(MemorySegment destAddr, int addrLen) {
        int op = sqe().opcode();
        if (op != Opcode.SEND.code() && op != Opcode.SEND_ZC.code()) {
            throw new IllegalArgumentException("prepSendSetAddr applies to a SEND or SEND_ZC prepared before it, given "
                    + Opcode.of(op).kernelName());
        }
        if (addrLen < 0 || addrLen > 0xFFFF) {
            throw new IllegalArgumentException("prepSendSetAddr: addr_len is a u16 (0..65535), given " + addrLen);
        }
        int len = Sqe.length(destAddr, addrLen, "prepSendSetAddr address");
        // addr2 holds the address; addr_len is the low u16 of the word at 44 (the high half is padding)
        return sqe().off(Sqe.address(destAddr, "prepSendSetAddr address")).fileIndex(len);
    }

    /**
     * Equivalent to {@code io_uring_prep_sendto(3)}; kernel 6.0. A send to the first
     * {@code addrLen} bytes of {@code addr} (for unconnected datagram sockets): {@link #prepSend}
     * followed by {@link #prepSendSetAddr}. {@code buf} lives until completion, {@code addr}
     * until the submitting enter returns ({@link Feature#SUBMIT_STABLE}, no SQPOLL; until
     * completion otherwise).
     *
     * @param fd      the socket
     * @param buf     the data (may be read-only)
     * @param len     how many bytes of {@code buf} to send: 0..{@code buf.byteSize()}
     * @param flags   {@code MSG_*} flags, or 0
     * @param addr    the destination {@code struct sockaddr}
     * @param addrLen the length of the address in {@code addr}: 0..65535, within {@code addr}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code len} or {@code addrLen} is out of range, or
     *                                  {@code buf} or {@code addr} is not a native segment
     * @throws IllegalStateException    if the arena of {@code buf} or {@code addr} is already closed
     */
    @Prep(value = Opcode.SEND, liburing = "io_uring_prep_sendto")
    default Sqe prepSendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        return prepSend(fd, buf, len, flags).prepSendSetAddr(addr, addrLen);
    }

    /**
     * Equivalent to {@code io_uring_prep_send_zc(3)}; kernel 6.0. Zero-copy send: a result CQE,
     * with F_MORE when a notification CQE (F_NOTIF, same user_data) will follow once the kernel
     * no longer reads {@code buf}; {@code buf} lives until that notification. {@code zcFlags}
     * are IORING_RECVSEND_* ({@link #SEND_ZC_REPORT_USAGE}, {@link #RECVSEND_POLL_FIRST}).
     * The result CQE's {@code res} is the number of bytes sent, or {@code -errno}.
     *
     * @param fd      the socket
     * @param buf     the data (may be read-only); until the notification CQE
     * @param len     how many bytes of {@code buf} to send: 0..{@code buf.byteSize()}, at most
     *                {@link Integer#MAX_VALUE}
     * @param flags   {@code MSG_*} flags, or 0
     * @param zcFlags {@code IORING_RECVSEND_*} flags for {@code sqe->ioprio}, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code len} is out of range, {@code buf} is not a native
     *                                  segment, or {@code zcFlags} holds more than 16 bits or
     *                                  {@link #SEND_VECTORIZED}
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.SEND_ZC, liburing = "io_uring_prep_send_zc")
    default Sqe prepSendZc(int fd, MemorySegment buf, long len, int flags, int zcFlags) {
        int n = Sqe.length(buf, len, "prepSendZc buffer");
        Sqe sqe = sqe().prepRw(Opcode.SEND_ZC, fd, Sqe.address(buf, "prepSendZc buffer"), n, 0);
        return sqe.opFlags(flags).ioprio(zcFlags);
    }

    /**
     * Equivalent to {@code io_uring_prep_send_zc_fixed(3)}; kernel 6.0. {@link #prepSendZc} from
     * registered buffer {@code bufIndex}; {@code buf} must lie inside that registered buffer
     * (the kernel checks, else {@code -EFAULT}) and lives until the notification CQE.
     *
     * @param fd       the socket
     * @param buf      the data, inside registered buffer {@code bufIndex}
     * @param len      how many bytes of {@code buf} to send: 0..{@code buf.byteSize()}
     * @param flags    {@code MSG_*} flags, or 0
     * @param zcFlags  {@code IORING_RECVSEND_*} flags; {@link #RECVSEND_FIXED_BUF} is added
     * @param bufIndex the registered buffer's index in the buffer table (0..65535)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException as {@link #prepSendZc}, or if {@code bufIndex} is outside
     *                                  0..65535
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.SEND_ZC, liburing = "io_uring_prep_send_zc_fixed")
    default Sqe prepSendZcFixed(int fd, MemorySegment buf, long len, int flags, int zcFlags, int bufIndex) {
        return prepSendZc(fd, buf, len, flags, zcFlags | RECVSEND_FIXED_BUF).bufIndex(SendRecvOps.u16(bufIndex, "prepSendZcFixed bufIndex"));
    }

    /* ---- kernel 6.1 ---- */

    /**
     * Equivalent to {@code io_uring_prep_sendmsg_zc(3)}; kernel 6.1. Zero-copy sendmsg: result
     * CQE, then a F_NOTIF notification when F_MORE was set; the data lives until the
     * notification, the header until the submitting enter returns.
     *
     * @param fd    the socket
     * @param msg   the {@code struct msghdr} (at least {@link Msghdr#BYTES}); its buffers may be
     *              read-only
     * @param flags {@code MSG_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code msg} is not a native segment or is shorter than
     *                                  {@link Msghdr#BYTES}
     * @throws IllegalStateException    if the arena of {@code msg} is already closed
     */
    @Prep(value = Opcode.SENDMSG_ZC, liburing = "io_uring_prep_sendmsg_zc")
    default Sqe prepSendmsgZc(int fd, MemorySegment msg, int flags) {
        long addr = Sqe.struct(msg, Msghdr.BYTES, "prepSendmsgZc msghdr");
        return sqe().prepRw(Opcode.SENDMSG_ZC, fd, addr, 1, 0).opFlags(flags);
    }

    /* ---- kernel 6.10 ---- */

    /**
     * Equivalent to {@code io_uring_prep_send_bundle(3)}; kernel 6.10. Sends as many buffers of
     * a provided-buffer group as are queued (up to {@code len} bytes, 0: no cap); needs
     * {@link SqeFlag#BUFFER_SELECT} and {@link Sqe#bufGroup}. The result is the bytes sent and
     * the CQE names the first buffer; the buffers used are contiguous from it. No other user
     * memory is involved.
     *
     * @param fd    the socket
     * @param len   the most to send in all: 0..{@link Integer#MAX_VALUE} (0: no cap)
     * @param flags {@code MSG_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code len} is outside 0..{@link Integer#MAX_VALUE}
     */
    @Prep(value = Opcode.SEND, liburing = "io_uring_prep_send_bundle")
    default Sqe prepSendBundle(int fd, long len, int flags) {
        if (len < 0 || len > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("prepSendBundle: len must be within 0.." + Integer.MAX_VALUE + ", given " + len);
        }
        return sqe().prepRw(Opcode.SEND, fd, 0, (int) len, 0).opFlags(flags).ioprio(RECVSEND_BUNDLE);
    }

    /* ---- kernel 6.15 ---- */

    /**
     * Equivalent to {@code io_uring_prep_sendmsg_zc_fixed(3)}; kernel 6.15. {@link #prepSendmsgZc}
     * whose iovecs point into registered buffer {@code bufIndex}.
     *
     * @param fd       the socket
     * @param msg      the {@code struct msghdr} (at least {@link Msghdr#BYTES})
     * @param flags    {@code MSG_*} flags, or 0
     * @param bufIndex the registered buffer's index in the buffer table (0..65535)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code msg} is not a native segment or is shorter than
     *                                  {@link Msghdr#BYTES}, or {@code bufIndex} is outside 0..65535
     * @throws IllegalStateException    if the arena of {@code msg} is already closed
     */
    @Prep(value = Opcode.SENDMSG_ZC, liburing = "io_uring_prep_sendmsg_zc_fixed")
    default Sqe prepSendmsgZcFixed(int fd, MemorySegment msg, int flags, int bufIndex) {
        return prepSendmsgZc(fd, msg, flags).ioprio(RECVSEND_FIXED_BUF).bufIndex(SendRecvOps.u16(bufIndex, "prepSendmsgZcFixed bufIndex"));
    }

    /**
     * Equivalent to {@code io_uring_prep_rw(3)}; kernel 6.15. Zero-copy receive into the
     * registered zcrx interface queue {@code ifqIndex}. liburing has no helper for it (its zcrx example fills the SQE with
     * {@code io_uring_prep_rw}); this writes the same fields. Always multishot; needs a CQE32
     * ring and a zcrx ifq registered on a real NIC queue. {@code len} 0 means no limit. The
     * data lands in the ifq's registered area, not in memory named here.
     *
     * @param fd       the socket
     * @param len      the most to receive in all ({@code >= 0}; 0: no limit)
     * @param ifqIndex the index of the registered zcrx interface queue
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code len} is negative
     */
    @Prep(value = Opcode.RECV_ZC, liburing = "io_uring_prep_rw")
    default Sqe prepRecvZc(int fd, int len, int ifqIndex) {
        if (len < 0) {
            throw new IllegalArgumentException("prepRecvZc: len is >= 0 (0: no limit), given " + len);
        }
        return sqe().prepRw(Opcode.RECV_ZC, fd, 0, len, 0).ioprio(RECV_MULTISHOT).fileIndex(ifqIndex);
    }

    private static int u16(int value, String what) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(what + " is a u16 (0..65535), given " + value);
        }
        return value;
    }

    /** This entry as what it is: the interface is sealed to {@link Sqe}, its only implementation. */
    private Sqe sqe() {
        return (Sqe) this;
    }
}
