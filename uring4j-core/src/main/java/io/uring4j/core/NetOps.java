package io.uring4j.core;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Prep helpers for a socket's life: socket, bind, listen, accept, connect, shutdown. Sending and
 * receiving are in {@link SendRecvOps}. Implemented only by {@link Sqe}.
 *
 * <p><b>Direct descriptors.</b> The {@code _direct} helpers put the new socket into the ring's
 * registered file table instead of the process fd table. A {@code slot} argument is the 0-based
 * table index (uring4j writes liburing's "index + 1" encoding itself); the {@code Alloc}
 * variants let the kernel pick a free slot and return it as the CQE result. Use the slot later
 * with {@link Sqe#fixedFile(int)}.
 *
 * <p><b>Lifetimes.</b> An address a helper reads (connect, bind) is copied when the request is
 * issued: it must live until the submitting enter returns ({@link Feature#SUBMIT_STABLE}, no
 * SQPOLL), until completion otherwise. Accept's {@code addr}/{@code addrLen} are outputs the
 * kernel writes when a connection arrives: they must live until completion, for multishot
 * accept until the last CQE (the one without F_MORE).
 */
public sealed interface NetOps permits Sqe {

    /* IORING_ACCEPT_* flags (sqe->ioprio); accept(2)'s SOCK_* flags go in the flags argument. */
    /** Keep accepting: one CQE per connection, each with F_MORE while the request stays armed. */
    int ACCEPT_MULTISHOT = 1 << 0;
    /** Fail with -EAGAIN instead of waiting when no connection is pending (6.10). */
    int ACCEPT_DONTWAIT = 1 << 1;
    /** Arm poll first instead of trying to accept at once (6.10). */
    int ACCEPT_POLL_FIRST = 1 << 2;

    /** {@link FsOps#FILE_INDEX_ALLOC}: the kernel picks the slot (the value in {@code file_index}). */
    int FILE_INDEX_ALLOC = FsOps.FILE_INDEX_ALLOC;

    /* shutdown(2) how: SocketConstants' values. */
    /** {@link SocketConstants#SHUT_RD}. */
    int SHUT_RD = SocketConstants.SHUT_RD;
    /** {@link SocketConstants#SHUT_WR}. */
    int SHUT_WR = SocketConstants.SHUT_WR;
    /** {@link SocketConstants#SHUT_RDWR}. */
    int SHUT_RDWR = SocketConstants.SHUT_RDWR;

    /* ---- kernel 5.5 ---- */

    /**
     * Equivalent to {@code io_uring_prep_accept(3)}; kernel 5.5. Accepts one connection on
     * listening socket {@code fd}; the CQE result is the new fd. {@code flags} are accept4(2)'s
     * ({@code SOCK_NONBLOCK}, {@code SOCK_CLOEXEC}); IORING_ACCEPT_* go through {@link Sqe#ioprio}.
     *
     * @param fd      the listening socket
     * @param addr    receives the peer's address (e.g. {@link SocketAddresses#allocateStorage}),
     *                or {@link MemorySegment#NULL}; lives until completion
     * @param addrLen a {@code socklen_t} holding the room in {@code addr} (at most its size), set
     *                by the kernel to the address length; NULL exactly when {@code addr} is;
     *                lives until completion
     * @param flags   accept4(2) flags ({@code SOCK_NONBLOCK}, {@code SOCK_CLOEXEC}), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if exactly one of {@code addr} and {@code addrLen} is NULL,
     *                                  either is read-only or not a native segment,
     *                                  {@code addrLen} is shorter than 4 bytes, or the value in it
     *                                  is negative or larger than {@code addr}
     * @throws IllegalStateException    if the arena of {@code addr} or {@code addrLen} is already closed
     */
    @Prep(value = Opcode.ACCEPT, liburing = "io_uring_prep_accept")
    default Sqe prepAccept(int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        long lenAddr = acceptAddrLen(addr, addrLen, "prepAccept");
        return sqe().prepRw(Opcode.ACCEPT, fd, addr.address(), 0, lenAddr).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_connect(3)}; kernel 5.5. Connects {@code fd} to the
     * first {@code addrLen} bytes of {@code addr} (see {@link SocketAddresses#write}); the
     * address lives until the submitting enter returns (until completion with SQPOLL). The CQE's
     * {@code res} is 0 once connected, or {@code -errno}.
     *
     * @param fd      the socket
     * @param addr    the {@code struct sockaddr} to connect to (may be read-only)
     * @param addrLen the address length in bytes: 0..{@code addr.byteSize()}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code addrLen} is out of range, or {@code addr} is not
     *                                  a native segment
     * @throws IllegalStateException    if the arena of {@code addr} is already closed
     */
    @Prep(value = Opcode.CONNECT, liburing = "io_uring_prep_connect")
    default Sqe prepConnect(int fd, MemorySegment addr, int addrLen) {
        int len = Sqe.length(addr, addrLen, "prepConnect address");
        return sqe().prepRw(Opcode.CONNECT, fd, Sqe.address(addr, "prepConnect address"), 0, len);
    }

    /**
     * Equivalent to {@code io_uring_prep_connect(3)}; kernel 5.5. The whole segment is the
     * address, e.g. one made by {@link SocketAddresses}; it lives as for
     * {@link #prepConnect(int, MemorySegment, int)}.
     *
     * @param fd   the socket
     * @param addr the {@code struct sockaddr}, exactly its length
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code addr} is not a native segment
     * @throws IllegalStateException    if the arena of {@code addr} is already closed
     */
    @Prep(value = Opcode.CONNECT, liburing = "io_uring_prep_connect")
    default Sqe prepConnect(int fd, MemorySegment addr) {
        return prepConnect(fd, addr, (int) Math.min(addr.byteSize(), Integer.MAX_VALUE));
    }

    /* ---- kernel 5.11 ---- */

    /**
     * Equivalent to {@code io_uring_prep_shutdown(3)}; kernel 5.11. {@code how} is
     * {@link #SHUT_RD}, {@link #SHUT_WR} or {@link #SHUT_RDWR}, as shutdown(2). No user memory is
     * involved; the CQE's {@code res} is 0, or {@code -errno}.
     *
     * @param fd  the socket
     * @param how which directions to shut down
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.SHUTDOWN, liburing = "io_uring_prep_shutdown")
    default Sqe prepShutdown(int fd, int how) {
        return sqe().prepRw(Opcode.SHUTDOWN, fd, 0, how, 0);
    }

    /* ---- kernel 5.15 ---- */

    /**
     * Equivalent to {@code io_uring_prep_accept_direct(3)}; kernel 5.15. Like
     * {@link #prepAccept} but installs the connection in registered file slot {@code slot}
     * (0-based); the CQE result is 0 on success. A file already in the slot is replaced.
     *
     * @param fd      the listening socket
     * @param addr    receives the peer's address, or {@link MemorySegment#NULL}; see {@link #prepAccept}
     * @param addrLen the {@code socklen_t} in/out length of {@code addr}, NULL exactly when {@code addr} is
     * @param flags   accept4(2) flags ({@code SOCK_NONBLOCK}, {@code SOCK_CLOEXEC}), or 0
     * @param slot    the 0-based registered file slot for the new socket
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if exactly one of {@code addr} and {@code addrLen} is NULL,
     *                                  either is read-only or not a native segment,
     *                                  {@code addrLen} is shorter than 4 bytes, or the value in it
     *                                  is negative or larger than {@code addr}; or if
     *                                  {@code slot} is negative or {@link Integer#MAX_VALUE}
     * @throws IllegalStateException    if the arena of {@code addr} or {@code addrLen} is already closed
     */
    @Prep(value = Opcode.ACCEPT, liburing = "io_uring_prep_accept_direct")
    default Sqe prepAcceptDirect(int fd, MemorySegment addr, MemorySegment addrLen, int flags, int slot) {
        return prepAccept(fd, addr, addrLen, flags).fileIndex(Sqe.fileSlot(slot, "prepAcceptDirect"));
    }

    /* ---- kernel 5.19 ---- */

    /**
     * Equivalent to {@code io_uring_prep_accept_direct(3)}; kernel 5.19. With
     * {@code IORING_FILE_INDEX_ALLOC}: the kernel picks a free registered slot and returns it as the CQE result.
     *
     * @param fd      the listening socket
     * @param addr    receives the peer's address, or {@link MemorySegment#NULL}; see {@link #prepAccept}
     * @param addrLen the {@code socklen_t} in/out length of {@code addr}, NULL exactly when {@code addr} is
     * @param flags   accept4(2) flags ({@code SOCK_NONBLOCK}, {@code SOCK_CLOEXEC}), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if exactly one of {@code addr} and {@code addrLen} is NULL,
     *                                  either is read-only or not a native segment,
     *                                  {@code addrLen} is shorter than 4 bytes, or the value in it
     *                                  is negative or larger than {@code addr}
     * @throws IllegalStateException    if the arena of {@code addr} or {@code addrLen} is already closed
     */
    @Prep(value = Opcode.ACCEPT, liburing = "io_uring_prep_accept_direct")
    default Sqe prepAcceptDirectAlloc(int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        return prepAccept(fd, addr, addrLen, flags).fileIndex(FILE_INDEX_ALLOC);
    }

    /**
     * Equivalent to {@code io_uring_prep_multishot_accept(3)}; kernel 5.19. One CQE per accepted
     * connection (result: the new fd), each with F_MORE while the request stays armed; a CQE
     * without F_MORE ends it. {@code addr}/{@code addrLen} are overwritten by every accept and
     * live until that last CQE. To add IORING_ACCEPT_POLL_FIRST, call
     * {@code ioprio(ACCEPT_MULTISHOT | ACCEPT_POLL_FIRST)} after this helper.
     *
     * @param fd      the listening socket
     * @param addr    receives the peer's address, or {@link MemorySegment#NULL}; rewritten by each accept
     * @param addrLen the {@code socklen_t} in/out length of {@code addr}, NULL exactly when {@code addr} is
     * @param flags   accept4(2) flags ({@code SOCK_NONBLOCK}, {@code SOCK_CLOEXEC}), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if exactly one of {@code addr} and {@code addrLen} is NULL,
     *                                  either is read-only or not a native segment,
     *                                  {@code addrLen} is shorter than 4 bytes, or the value in it
     *                                  is negative or larger than {@code addr}
     * @throws IllegalStateException    if the arena of {@code addr} or {@code addrLen} is already closed
     */
    @Prep(value = Opcode.ACCEPT, liburing = "io_uring_prep_multishot_accept")
    default Sqe prepMultishotAccept(int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        return prepAccept(fd, addr, addrLen, flags).ioprio(ACCEPT_MULTISHOT);
    }

    /**
     * Equivalent to {@code io_uring_prep_multishot_accept_direct(3)}; kernel 5.19. Multishot
     * accept into registered file slots the kernel allocates; each CQE result is a slot index.
     * {@code addr}/{@code addrLen} live until the last CQE.
     *
     * @param fd      the listening socket
     * @param addr    receives the peer's address, or {@link MemorySegment#NULL}; rewritten by each accept
     * @param addrLen the {@code socklen_t} in/out length of {@code addr}, NULL exactly when {@code addr} is
     * @param flags   accept4(2) flags ({@code SOCK_NONBLOCK}, {@code SOCK_CLOEXEC}), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if exactly one of {@code addr} and {@code addrLen} is NULL,
     *                                  either is read-only or not a native segment,
     *                                  {@code addrLen} is shorter than 4 bytes, or the value in it
     *                                  is negative or larger than {@code addr}
     * @throws IllegalStateException    if the arena of {@code addr} or {@code addrLen} is already closed
     */
    @Prep(value = Opcode.ACCEPT, liburing = "io_uring_prep_multishot_accept_direct")
    default Sqe prepMultishotAcceptDirect(int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        return prepMultishotAccept(fd, addr, addrLen, flags).fileIndex(FILE_INDEX_ALLOC);
    }

    /**
     * Equivalent to {@code io_uring_prep_socket(3)}; kernel 5.19. Like socket(2): the CQE result
     * is the new fd. {@code type} may include {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC};
     * {@code flags} is reserved and must be 0. No user memory is involved.
     *
     * @param domain   the address family ({@code AF_INET}, {@code AF_INET6}, {@code AF_UNIX}, …;
     *                 see {@link SocketConstants})
     * @param type     the socket type ({@code SOCK_STREAM}, {@code SOCK_DGRAM}, …), optionally
     *                 with {@code SOCK_NONBLOCK} / {@code SOCK_CLOEXEC}
     * @param protocol the protocol, or 0 for the type's default
     * @param flags    reserved: 0
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.SOCKET, liburing = "io_uring_prep_socket")
    default Sqe prepSocket(int domain, int type, int protocol, int flags) {
        return sqe().prepRw(Opcode.SOCKET, domain, 0, protocol, type).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_socket_direct(3)}; kernel 5.19. Creates the socket in
     * registered file slot {@code slot} (0-based); the CQE result is 0.
     *
     * @param domain   the address family, as for {@link #prepSocket}
     * @param type     the socket type, as for {@link #prepSocket} ({@code SOCK_CLOEXEC} is
     *                 meaningless for a direct descriptor)
     * @param protocol the protocol, or 0 for the type's default
     * @param slot     the 0-based registered file slot for the new socket
     * @param flags    reserved: 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code slot} is negative or {@link Integer#MAX_VALUE}
     */
    @Prep(value = Opcode.SOCKET, liburing = "io_uring_prep_socket_direct")
    default Sqe prepSocketDirect(int domain, int type, int protocol, int slot, int flags) {
        return prepSocket(domain, type, protocol, flags).fileIndex(Sqe.fileSlot(slot, "prepSocketDirect"));
    }

    /**
     * Equivalent to {@code io_uring_prep_socket_direct_alloc(3)}; kernel 5.19. Creates the socket
     * in a registered slot the kernel picks; the CQE result is that slot.
     *
     * @param domain   the address family, as for {@link #prepSocket}
     * @param type     the socket type, as for {@link #prepSocket}
     * @param protocol the protocol, or 0 for the type's default
     * @param flags    reserved: 0
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.SOCKET, liburing = "io_uring_prep_socket_direct_alloc")
    default Sqe prepSocketDirectAlloc(int domain, int type, int protocol, int flags) {
        return prepSocket(domain, type, protocol, flags).fileIndex(FILE_INDEX_ALLOC);
    }

    /* ---- kernel 6.11 ---- */

    /**
     * Equivalent to {@code io_uring_prep_bind(3)}; kernel 6.11. Binds {@code fd} to the first
     * {@code addrLen} bytes of {@code addr}; the address lives until the submitting enter
     * returns (until completion with SQPOLL). The CQE's {@code res} is 0, or {@code -errno}.
     *
     * @param fd      the socket
     * @param addr    the local {@code struct sockaddr} (may be read-only)
     * @param addrLen the address length in bytes: 0..{@code addr.byteSize()}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code addrLen} is out of range, or {@code addr} is not
     *                                  a native segment
     * @throws IllegalStateException    if the arena of {@code addr} is already closed
     */
    @Prep(value = Opcode.BIND, liburing = "io_uring_prep_bind")
    default Sqe prepBind(int fd, MemorySegment addr, int addrLen) {
        int len = Sqe.length(addr, addrLen, "prepBind address");
        return sqe().prepRw(Opcode.BIND, fd, Sqe.address(addr, "prepBind address"), 0, len);
    }

    /**
     * Equivalent to {@code io_uring_prep_bind(3)}; kernel 6.11. The whole segment is the address;
     * it lives as for {@link #prepBind(int, MemorySegment, int)}.
     *
     * @param fd   the socket
     * @param addr the local {@code struct sockaddr}, exactly its length
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code addr} is not a native segment
     * @throws IllegalStateException    if the arena of {@code addr} is already closed
     */
    @Prep(value = Opcode.BIND, liburing = "io_uring_prep_bind")
    default Sqe prepBind(int fd, MemorySegment addr) {
        return prepBind(fd, addr, (int) Math.min(addr.byteSize(), Integer.MAX_VALUE));
    }

    /**
     * Equivalent to {@code io_uring_prep_listen(3)}; kernel 6.11. Like listen(2): marks a bound
     * socket as accepting connections. No user memory is involved; the CQE's {@code res} is 0,
     * or {@code -errno}.
     *
     * @param fd      the bound socket
     * @param backlog the most pending connections to queue (capped by {@code net.core.somaxconn})
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.LISTEN, liburing = "io_uring_prep_listen")
    default Sqe prepListen(int fd, int backlog) {
        return sqe().prepRw(Opcode.LISTEN, fd, 0, backlog, 0);
    }

    // ---- argument checks ----

    /**
     * Checks accept's output pair and returns the address of {@code addrLen} (0 when both are
     * NULL). The kernel writes at most {@code *addrLen} bytes into {@code addr}, so that value
     * must fit the segment, and writes both: neither may be read-only.
     */
    private static long acceptAddrLen(MemorySegment addr, MemorySegment addrLen, String who) {
        boolean noAddr = addr.equals(MemorySegment.NULL);
        boolean noLen = addrLen.equals(MemorySegment.NULL);
        if (noAddr || noLen) {
            if (noAddr != noLen) {
                throw new IllegalArgumentException(who + ": addr and addrLen are both NULL or both given, given addr="
                        + addr + ", addrLen=" + addrLen);
            }
            return 0;
        }
        Sqe.writableAddress(addr, who + " addr");
        long lenAddr = Sqe.writableStruct(addrLen, JAVA_INT.byteSize(), who + " addrLen (socklen_t)");
        int room = addrLen.get(JAVA_INT, 0);
        if (room < 0 || room > addr.byteSize()) {
            throw new IllegalArgumentException(who + ": *addrLen must be within the addr segment (0.."
                    + addr.byteSize() + "), given " + room);
        }
        return lenAddr;
    }

    /** This entry as what it is: the interface is sealed to {@link Sqe}, its only implementation. */
    private Sqe sqe() {
        return (Sqe) this;
    }
}
