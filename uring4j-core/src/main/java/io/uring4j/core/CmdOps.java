package io.uring4j.core;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Prep helpers for {@code IORING_OP_URING_CMD}: file-specific commands (NVMe passthrough, ublk,
 * sockets). Implemented only by {@link Sqe}. The socket commands below replace blocking
 * getsockopt/setsockopt/ioctl calls on a ring's thread.
 *
 * <p><b>Lifetimes.</b> {@code optval} and getsockname's outputs are read or written when the
 * command runs, which may be in an io-wq worker long after submission: they live until completion.
 */
public sealed interface CmdOps permits Sqe {

    /* enum io_uring_socket_op: cmd_op values for a socket fd. */
    /** Bytes queued for reading, like ioctl(SIOCINQ); the CQE result is the count (6.7). */
    int SOCKET_URING_OP_SIOCINQ = 0;
    /** Bytes not yet sent, like ioctl(SIOCOUTQ); the CQE result is the count (6.7). */
    int SOCKET_URING_OP_SIOCOUTQ = 1;
    /** getsockopt(2) at level SOL_SOCKET only; the CQE result is the new optlen (6.7). */
    int SOCKET_URING_OP_GETSOCKOPT = 2;
    /** setsockopt(2); the CQE result is 0 (6.7). */
    int SOCKET_URING_OP_SETSOCKOPT = 3;
    /** Multishot TX timestamps from the error queue; needs a CQE32 or CQE_MIXED ring (6.17). */
    int SOCKET_URING_OP_TX_TIMESTAMP = 4;
    /** getsockname(2) / getpeername(2) (6.19). */
    int SOCKET_URING_OP_GETSOCKNAME = 5;

    /* ---- kernel 5.19 ---- */

    /**
     * Equivalent to {@code io_uring_prep_uring_cmd(3)}; kernel 5.19. Command {@code cmdOp} on
     * {@code fd}. The command's own payload (16 bytes, 80 on an SQE128 ring; zero as prepared
     * here) is defined by the driver behind {@code fd} and written through
     * {@link UncheckedSqe#cmd()}, whose caller answers for every address the driver reads from it.
     *
     * @param cmdOp the driver's command number ({@code cmd_op})
     * @param fd    the file whose driver runs the command
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.URING_CMD, liburing = "io_uring_prep_uring_cmd")
    default Sqe prepUringCmd(int cmdOp, int fd) {
        // cmd_op is the low half of the off word; the high half (__pad1) stays 0
        return sqe().prepRw(Opcode.URING_CMD, fd, 0, 0, Integer.toUnsignedLong(cmdOp));
    }

    /* ---- kernel 6.7 ---- */

    /**
     * Equivalent to {@code io_uring_prep_cmd_sock(3)}; kernel 6.7. A socket command
     * ({@link #SOCKET_URING_OP_GETSOCKOPT}, …) with getsockopt/setsockopt-style arguments.
     * For SIOCINQ/SIOCOUTQ pass level, optname 0, {@link MemorySegment#NULL} and 0. Other
     * {@code cmdOp}s are refused: GETSOCKNAME ({@link #prepCmdGetsockname}) and later commands
     * read these fields as pointers.
     *
     * @param cmdOp   one of SIOCINQ, SIOCOUTQ, GETSOCKOPT, SETSOCKOPT or TX_TIMESTAMP
     *                ({@code SOCKET_URING_OP_*})
     * @param fd      the socket
     * @param level   the option level, e.g. {@link SocketConstants#SOL_SOCKET}
     * @param optname the option name, e.g. {@link SocketConstants#SO_RCVBUF}
     * @param optval the option value, read (set) or written (get, so not read-only) when the
     *               command runs; lives until completion
     * @param optlen bytes of {@code optval} offered to the kernel (at most its size)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code cmdOp} is another command, {@code optlen} is out
     *                                  of range, {@code optval} is not a native segment, or it is
     *                                  read-only for GETSOCKOPT
     * @throws IllegalStateException    if the arena of {@code optval} is already closed
     */
    @Prep(value = Opcode.URING_CMD, liburing = "io_uring_prep_cmd_sock")
    default Sqe prepCmdSock(int cmdOp, int fd, int level, int optname, MemorySegment optval, int optlen) {
        if (cmdOp != SOCKET_URING_OP_SIOCINQ && cmdOp != SOCKET_URING_OP_SIOCOUTQ && cmdOp != SOCKET_URING_OP_GETSOCKOPT
                && cmdOp != SOCKET_URING_OP_SETSOCKOPT && cmdOp != SOCKET_URING_OP_TX_TIMESTAMP) {
            // GETSOCKNAME and commands of later kernels read addr/addr3 as pointers, not as level/optname/optval
            throw new IllegalArgumentException("prepCmdSock takes SIOCINQ, SIOCOUTQ, GETSOCKOPT, SETSOCKOPT or TX_TIMESTAMP"
                    + " (prepCmdGetsockname for GETSOCKNAME), given cmd_op " + cmdOp);
        }
        int len = Sqe.length(optval, optlen, "prepCmdSock optval");
        long val = cmdOp == SOCKET_URING_OP_GETSOCKOPT ? Sqe.writableAddress(optval, "prepCmdSock optval")
                : Sqe.address(optval, "prepCmdSock optval");
        // level and optname share the addr word: level the low u32, optname the high one
        long levelAndName = Integer.toUnsignedLong(level) | (Integer.toUnsignedLong(optname) << 32);
        return prepUringCmd(cmdOp, fd).addr(levelAndName).fileIndex(len).addr3(val);
    }

    /* ---- kernel 6.19 ---- */

    /**
     * Equivalent to {@code io_uring_prep_cmd_getsockname(3)}; kernel 6.19. getsockname(2), or
     * getpeername(2) when {@code peer}; the CQE result is 0.
     *
     * @param fd          the socket
     * @param sockaddr    receives the address; lives until completion
     * @param sockaddrLen a {@code socklen_t} with the room in {@code sockaddr} (at most its size),
     *                    set to the address length; lives until completion
     * @param peer        {@code true} for the peer's address (getpeername), {@code false} for the
     *                    local one
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code sockaddr} or {@code sockaddrLen} is not a native
     *                                  segment or is read-only, {@code sockaddrLen} is shorter than
     *                                  4 bytes, or the value in it is negative or larger than
     *                                  {@code sockaddr}
     * @throws IllegalStateException    if the arena of either segment is already closed
     */
    @Prep(value = Opcode.URING_CMD, liburing = "io_uring_prep_cmd_getsockname")
    default Sqe prepCmdGetsockname(int fd, MemorySegment sockaddr, MemorySegment sockaddrLen, boolean peer) {
        long addr = Sqe.writableAddress(sockaddr, "prepCmdGetsockname sockaddr");
        long lenAddr = Sqe.writableStruct(sockaddrLen, JAVA_INT.byteSize(), "prepCmdGetsockname sockaddrLen (socklen_t)");
        int room = sockaddrLen.get(JAVA_INT, 0);
        if (room < 0 || room > sockaddr.byteSize()) {
            throw new IllegalArgumentException("prepCmdGetsockname: *sockaddrLen must be within the sockaddr segment (0.."
                    + sockaddr.byteSize() + "), given " + room);
        }
        return prepUringCmd(SOCKET_URING_OP_GETSOCKNAME, fd).addr(addr).addr3(lenAddr).fileIndex(peer ? 1 : 0);
    }

    /**
     * Equivalent to {@code io_uring_prep_uring_cmd128(3)}; kernel 6.19. {@link #prepUringCmd}
     * with 80 bytes of command payload: only in a 128-byte SQE (an SQE128 ring, or a 128-byte
     * slot of an SQE_MIXED ring).
     *
     * @param cmdOp the driver's command number ({@code cmd_op})
     * @param fd    the file whose driver runs the command
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if this entry is 64 bytes
     */
    @Prep(value = Opcode.URING_CMD128, liburing = "io_uring_prep_uring_cmd128")
    default Sqe prepUringCmd128(int cmdOp, int fd) {
        Sqe sqe = sqe();
        if (sqe.byteSize() != 128) {
            throw new IllegalArgumentException("prepUringCmd128 needs a 128-byte SQE, given one of " + sqe.byteSize() + " bytes");
        }
        return sqe.prepRw(Opcode.URING_CMD128, fd, 0, 0, Integer.toUnsignedLong(cmdOp));
    }

    /** This entry as what it is: the interface is sealed to {@link Sqe}, its only implementation. */
    private Sqe sqe() {
        return (Sqe) this;
    }
}
