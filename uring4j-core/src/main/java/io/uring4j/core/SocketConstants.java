package io.uring4j.core;

/**
 * The socket numbers of the Linux ABI that the socket prep helpers take: address families and
 * socket types for {@link NetOps#prepSocket}, levels and options for {@link CmdOps#prepCmdSock}
 * (and setsockopt), {@code MSG_*} flags for send, recv and their msghdr forms, and the
 * {@code how} of shutdown. Values are those of x86-64 and arm64 (the generic
 * {@code <asm-generic/socket.h>} numbering).
 *
 * <p>This class is where these numbers are written once: {@link SocketAddresses},
 * {@link Msghdr} and {@link NetOps} carry some of them under the same names for convenience,
 * as references to these constants.
 */
public final class SocketConstants {
    private SocketConstants() {}

    /* Address families (sa_family, and the domain of socket(2)). */
    /** {@code AF_UNIX}: local sockets, {@code sockaddr_un}. */
    public static final int AF_UNIX = 1;
    /** {@code AF_INET}: IPv4, {@code sockaddr_in}. */
    public static final int AF_INET = 2;
    /** {@code AF_INET6}: IPv6, {@code sockaddr_in6}. */
    public static final int AF_INET6 = 10;

    /* Socket types, and the flags socket(2) and accept4(2) take with them. */
    /** {@code SOCK_STREAM}: a connected byte stream (TCP, stream unix sockets). */
    public static final int SOCK_STREAM = 1;
    /** {@code SOCK_DGRAM}: datagrams (UDP, datagram unix sockets). */
    public static final int SOCK_DGRAM = 2;
    /** {@code SOCK_SEQPACKET}: connected, ordered, message-preserving (unix sockets). */
    public static final int SOCK_SEQPACKET = 5;
    /** {@code SOCK_NONBLOCK}: the new fd is non-blocking; the same bit as {@link FsOps#O_NONBLOCK}. */
    public static final int SOCK_NONBLOCK = FsOps.O_NONBLOCK;
    /** {@code SOCK_CLOEXEC}: the new fd is closed on exec; the same bit as {@link FsOps#O_CLOEXEC}. */
    public static final int SOCK_CLOEXEC = FsOps.O_CLOEXEC;

    /* Option levels and the options uring4j reads and sets. */
    /** {@code SOL_SOCKET}: the level of the {@code SO_*} options. */
    public static final int SOL_SOCKET = 1;
    /** {@code SO_REUSEADDR}: bind to an address in TIME_WAIT. */
    public static final int SO_REUSEADDR = 2;
    /** {@code SO_SNDBUF}: the send buffer size. */
    public static final int SO_SNDBUF = 7;
    /** {@code SO_RCVBUF}: the receive buffer size. */
    public static final int SO_RCVBUF = 8;
    /** {@code SO_KEEPALIVE}: send keepalive probes on an idle connection. */
    public static final int SO_KEEPALIVE = 9;
    /** {@code SO_LINGER}: what close(2) does with unsent data; its value is a {@link #LINGER}. */
    public static final int SO_LINGER = 13;
    /** {@code SO_REUSEPORT}: several sockets may bind the same port. */
    public static final int SO_REUSEPORT = 15;
    /** {@code IPPROTO_TCP}: the level of the {@code TCP_*} options, and TCP's protocol number. */
    public static final int IPPROTO_TCP = 6;
    /** {@code TCP_NODELAY}: send small segments at once (no Nagle). */
    public static final int TCP_NODELAY = 1;
    /** {@code TCP_USER_TIMEOUT}: milliseconds unacknowledged data may wait before the connection fails. */
    public static final int TCP_USER_TIMEOUT = 18;

    /* MSG_* flags of send/recv (msg_flags in the SQE and in a msghdr). */
    /** {@code MSG_PEEK}: receive without removing the data from the queue. */
    public static final int MSG_PEEK = 0x2;
    /** {@code MSG_CTRUNC}: (in a received msghdr) control data was cut to fit. */
    public static final int MSG_CTRUNC = 0x8;
    /** {@code MSG_TRUNC}: report a datagram's full length; (received) the message was cut. */
    public static final int MSG_TRUNC = 0x20;
    /** {@code MSG_DONTWAIT}: this call does not block. */
    public static final int MSG_DONTWAIT = 0x40;
    /** {@code MSG_WAITALL}: a receive waits for the full length (a stream socket). */
    public static final int MSG_WAITALL = 0x100;
    /** {@code MSG_NOSIGNAL}: a send to a closed peer fails with EPIPE instead of raising SIGPIPE. */
    public static final int MSG_NOSIGNAL = 0x4000;
    /** {@code MSG_ZEROCOPY}: the socket-level zero-copy send (not io_uring's SEND_ZC). */
    public static final int MSG_ZEROCOPY = 0x4000000;

    /* The how of shutdown(2). */
    /** {@code SHUT_RD}: no more receives. */
    public static final int SHUT_RD = 0;
    /** {@code SHUT_WR}: no more sends (the peer reads EOF). */
    public static final int SHUT_WR = 1;
    /** {@code SHUT_RDWR}: neither. */
    public static final int SHUT_RDWR = 2;

    /** {@code struct linger}, the value of {@link #SO_LINGER}: {@code l_onoff}, {@code l_linger} (seconds). */
    public static final java.lang.foreign.StructLayout LINGER = java.lang.foreign.MemoryLayout.structLayout(
            java.lang.foreign.ValueLayout.JAVA_INT.withName("l_onoff"), java.lang.foreign.ValueLayout.JAVA_INT.withName("l_linger"))
            .withName("linger");
    /** Offsets of {@code l_onoff} and {@code l_linger} in a {@link #LINGER}. */
    public static final long LINGER_ONOFF = LINGER.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("l_onoff")),
            LINGER_SECONDS = LINGER.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("l_linger"));
}
