package io.uring4j.core.internal;

import io.uring4j.core.Errno;
import io.uring4j.core.FsOps;
import io.uring4j.core.SocketConstants;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Plain POSIX calls uring4j needs beside io_uring: the syscall fallback for socket options,
 * eventfds to wake loops, and the ground truth tests compare io_uring results against. Each
 * returns the call's result or -errno, never throws for a kernel error.
 */
public final class Posix {
    private Posix() {}

    /*
     * The open, socket and MSG_* numbers these calls take are written once in core's public
     * FsOps and SocketConstants; the aliases below keep existing callers compiling until they
     * use those classes.
     */
    /** @deprecated use {@link FsOps#O_RDONLY} */
    @Deprecated public static final int O_RDONLY = FsOps.O_RDONLY;
    /** @deprecated use {@link FsOps#O_WRONLY} */
    @Deprecated public static final int O_WRONLY = FsOps.O_WRONLY;
    /** @deprecated use {@link FsOps#O_RDWR} */
    @Deprecated public static final int O_RDWR = FsOps.O_RDWR;
    /** @deprecated use {@link FsOps#O_CREAT} */
    @Deprecated public static final int O_CREAT = FsOps.O_CREAT;
    /** @deprecated use {@link FsOps#O_EXCL} */
    @Deprecated public static final int O_EXCL = FsOps.O_EXCL;
    /** @deprecated use {@link FsOps#O_TRUNC} */
    @Deprecated public static final int O_TRUNC = FsOps.O_TRUNC;
    /** @deprecated use {@link FsOps#O_APPEND} */
    @Deprecated public static final int O_APPEND = FsOps.O_APPEND;
    /** @deprecated use {@link FsOps#O_NONBLOCK} */
    @Deprecated public static final int O_NONBLOCK = FsOps.O_NONBLOCK;
    /** @deprecated use {@link FsOps#O_DIRECT} */
    @Deprecated public static final int O_DIRECT = FsOps.O_DIRECT;
    /** @deprecated use {@link FsOps#O_CLOEXEC} */
    @Deprecated public static final int O_CLOEXEC = FsOps.O_CLOEXEC;
    /** @deprecated use {@link FsOps#AT_FDCWD} */
    @Deprecated public static final int AT_FDCWD = FsOps.AT_FDCWD;
    /** @deprecated use {@link SocketConstants#AF_UNIX} */
    @Deprecated public static final int AF_UNIX = SocketConstants.AF_UNIX;
    /** @deprecated use {@link SocketConstants#AF_INET} */
    @Deprecated public static final int AF_INET = SocketConstants.AF_INET;
    /** @deprecated use {@link SocketConstants#AF_INET6} */
    @Deprecated public static final int AF_INET6 = SocketConstants.AF_INET6;
    /** @deprecated use {@link SocketConstants#SOCK_STREAM} */
    @Deprecated public static final int SOCK_STREAM = SocketConstants.SOCK_STREAM;
    /** @deprecated use {@link SocketConstants#SOCK_DGRAM} */
    @Deprecated public static final int SOCK_DGRAM = SocketConstants.SOCK_DGRAM;
    /** @deprecated use {@link SocketConstants#SOCK_SEQPACKET} */
    @Deprecated public static final int SOCK_SEQPACKET = SocketConstants.SOCK_SEQPACKET;
    /** @deprecated use {@link SocketConstants#SOCK_NONBLOCK} */
    @Deprecated public static final int SOCK_NONBLOCK = SocketConstants.SOCK_NONBLOCK;
    /** @deprecated use {@link SocketConstants#SOCK_CLOEXEC} */
    @Deprecated public static final int SOCK_CLOEXEC = SocketConstants.SOCK_CLOEXEC;
    /** @deprecated use {@link SocketConstants#SOL_SOCKET} */
    @Deprecated public static final int SOL_SOCKET = SocketConstants.SOL_SOCKET;
    /** @deprecated use {@link SocketConstants#SO_REUSEADDR} */
    @Deprecated public static final int SO_REUSEADDR = SocketConstants.SO_REUSEADDR;
    /** @deprecated use {@link SocketConstants#SO_SNDBUF} */
    @Deprecated public static final int SO_SNDBUF = SocketConstants.SO_SNDBUF;
    /** @deprecated use {@link SocketConstants#SO_RCVBUF} */
    @Deprecated public static final int SO_RCVBUF = SocketConstants.SO_RCVBUF;
    /** @deprecated use {@link SocketConstants#SO_REUSEPORT} */
    @Deprecated public static final int SO_REUSEPORT = SocketConstants.SO_REUSEPORT;
    /** @deprecated use {@link SocketConstants#IPPROTO_TCP} */
    @Deprecated public static final int IPPROTO_TCP = SocketConstants.IPPROTO_TCP;
    /** @deprecated use {@link SocketConstants#TCP_NODELAY} */
    @Deprecated public static final int TCP_NODELAY = SocketConstants.TCP_NODELAY;
    /** @deprecated use {@link SocketConstants#TCP_USER_TIMEOUT} */
    @Deprecated public static final int TCP_USER_TIMEOUT = SocketConstants.TCP_USER_TIMEOUT;
    /** @deprecated use {@link SocketConstants#MSG_DONTWAIT} */
    @Deprecated public static final int MSG_DONTWAIT = SocketConstants.MSG_DONTWAIT;
    /** @deprecated use {@link SocketConstants#MSG_WAITALL} */
    @Deprecated public static final int MSG_WAITALL = SocketConstants.MSG_WAITALL;
    /** @deprecated use {@link SocketConstants#SHUT_WR} */
    @Deprecated public static final int SHUT_WR = SocketConstants.SHUT_WR;

    /** fcntl(2) commands of pipes. */
    public static final int F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
    /** fcntl(2) command: the file's status flags (O_APPEND, O_DIRECT, the access mode, ...). */
    public static final int F_GETFL = 3;
    /** eventfd(2) flags: the same bits as O_CLOEXEC and O_NONBLOCK. */
    public static final int EFD_CLOEXEC = FsOps.O_CLOEXEC, EFD_NONBLOCK = FsOps.O_NONBLOCK;
    /** ioctl(2) requests: bytes queued for reading (FIONREAD, SIOCINQ) and unsent (SIOCOUTQ). */
    public static final long FIONREAD = 0x541B, SIOCINQ = FIONREAD, SIOCOUTQ = 0x5411;
    /** getrlimit/setrlimit resource of the open-file limit. */
    public static final int RLIMIT_NOFILE = 7;
    /** getrlimit resource of the locked-memory limit (ulimit -l), in bytes. */
    public static final int RLIMIT_MEMLOCK = 8;
    /** getrlimit resource of the address-space limit (ulimit -v), in bytes. */
    public static final int RLIMIT_AS = 9;
    /** {@code struct rlimit}: the soft and the hard limit, u64 each ({@code RLIM_INFINITY} is all ones). */
    public static final StructLayout RLIMIT = MemoryLayout.structLayout(
            JAVA_LONG.withName("rlim_cur"), JAVA_LONG.withName("rlim_max")).withName("rlimit");
    /** Bytes of a {@link #RLIMIT} (16). */
    public static final long RLIMIT_BYTES = RLIMIT.byteSize();
    /** Offsets of the soft ({@code rlim_cur}) and hard ({@code rlim_max}) limit in a {@link #RLIMIT}. */
    public static final long RLIMIT_CUR = RLIMIT.byteOffset(groupElement("rlim_cur")),
            RLIMIT_MAX = RLIMIT.byteOffset(groupElement("rlim_max"));

    private static final MethodHandle OPEN = h("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = h("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = h("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = h("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle PREAD = h("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = h("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FCNTL = h("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle PIPE2 = h("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle EVENTFD = h("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = h("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKETPAIR = h("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle BIND = h("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = h("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = h("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ACCEPT4 = h("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = h("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETPEERNAME = h("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETSOCKOPT = h("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = h("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle IOCTL_INT = Native.libcWithErrno("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle SEND = h("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = h("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SENDTO = h("sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SHUTDOWN = h("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FSYNC = h("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FTRUNCATE = h("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle EPOLL_CREATE1 = h("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = h("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = h("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle POSIX_SPAWN = h("posix_spawn", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle WAITPID = h("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETPID = Native.libcWithErrno("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETTID = Native.libcWithErrno("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETRLIMIT = h("getrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETRLIMIT = h("setrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private static MethodHandle h(String name, FunctionDescriptor fd) {
        return Native.libcWithErrno(name, fd);
    }

    @FunctionalInterface
    private interface Call {
        long invoke(MemorySegment errnoState) throws Throwable;
    }

    private static long call(Call c) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.allocateErrnoState(arena);
            long r = c.invoke(state);
            return r < 0 ? -Native.capturedErrno(state) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * open(2) of a path.
     *
     * @param path  the path (passed as a UTF-8 C string)
     * @param flags {@code O_*} flags
     * @param mode  the permission bits for a created file
     * @return the new fd, or -errno
     */
    public static int open(String path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path);
            return (int) call(s -> (int) OPEN.invokeExact(s, p, flags, mode));
        }
    }

    /**
     * close(2).
     *
     * @param fd the file descriptor
     * @return 0 or -errno
     */
    public static int close(int fd) {
        return (int) call(s -> (int) CLOSE.invokeExact(s, fd));
    }

    /**
     * read(2) at the file position.
     *
     * @param fd    the file descriptor
     * @param buf   the native buffer
     * @param count the most bytes to read
     * @return the bytes read (0 at end of file), or -errno
     */
    public static long read(int fd, MemorySegment buf, long count) {
        return call(s -> (long) READ.invokeExact(s, fd, buf, count));
    }

    /**
     * write(2) at the file position.
     *
     * @param fd    the file descriptor
     * @param buf   the native buffer
     * @param count the bytes to write
     * @return the bytes written, or -errno
     */
    public static long write(int fd, MemorySegment buf, long count) {
        return call(s -> (long) WRITE.invokeExact(s, fd, buf, count));
    }

    /**
     * pread(2) at an offset.
     *
     * @param fd     the file descriptor
     * @param buf    the native buffer
     * @param count  the most bytes to read
     * @param offset the file offset
     * @return the bytes read (0 at end of file), or -errno
     */
    public static long pread(int fd, MemorySegment buf, long count, long offset) {
        return call(s -> (long) PREAD.invokeExact(s, fd, buf, count, offset));
    }

    /**
     * pwrite(2) at an offset.
     *
     * @param fd     the file descriptor
     * @param buf    the native buffer
     * @param count  the bytes to write
     * @param offset the file offset
     * @return the bytes written, or -errno
     */
    public static long pwrite(int fd, MemorySegment buf, long count, long offset) {
        return call(s -> (long) PWRITE.invokeExact(s, fd, buf, count, offset));
    }

    /**
     * pipe2(2): fills {@code fds[0]} (read end) and {@code fds[1]} (write end).
     *
     * @param fds   receives the two fds (at least 2 elements)
     * @param flags {@code O_CLOEXEC}, {@code O_NONBLOCK}, or 0
     * @return 0 or -errno
     */
    public static int pipe(int[] fds, int flags) {
        return pair(fds, seg -> (int) PIPE2.invokeExact(seg[0], seg[1], flags));
    }

    /**
     * fcntl(2) with an integer argument ({@link #F_SETPIPE_SZ}, …).
     *
     * @param fd  the file descriptor
     * @param cmd the {@code F_*} command
     * @param arg its integer argument
     * @return the call's result, or -errno
     */
    public static int fcntl(int fd, int cmd, long arg) {
        return (int) call(s -> (int) FCNTL.invokeExact(s, fd, cmd, arg));
    }

    /**
     * socketpair(2) into {@code fds}.
     *
     * @param domain   the address family (AF_UNIX)
     * @param type     the socket type, with SOCK_* flags
     * @param protocol the protocol, or 0
     * @param fds      receives the two connected sockets (at least 2 elements)
     * @return 0 or -errno
     */
    public static int socketpair(int domain, int type, int protocol, int[] fds) {
        return pair(fds, seg -> (int) SOCKETPAIR.invokeExact(seg[0], domain, type, protocol, seg[1]));
    }

    @FunctionalInterface
    private interface PairCall {
        int invoke(MemorySegment[] stateAndOut) throws Throwable;
    }

    private static int pair(int[] fds, PairCall c) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT, 2);
            MemorySegment state = Native.allocateErrnoState(arena);
            int r = c.invoke(new MemorySegment[] {state, out});
            if (r < 0) return -Native.capturedErrno(state);
            fds[0] = out.getAtIndex(JAVA_INT, 0);
            fds[1] = out.getAtIndex(JAVA_INT, 1);
            return r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * eventfd(2): a counter fd for wakeups.
     *
     * @param initval the initial counter value
     * @param flags   {@link #EFD_CLOEXEC}, {@link #EFD_NONBLOCK}, or 0
     * @return the new fd, or -errno
     */
    public static int eventfd(int initval, int flags) {
        return (int) call(s -> (int) EVENTFD.invokeExact(s, initval, flags));
    }

    /**
     * socket(2).
     *
     * @param domain   the address family
     * @param type     the socket type, with SOCK_* flags
     * @param protocol the protocol, or 0
     * @return the new fd, or -errno
     */
    public static int socket(int domain, int type, int protocol) {
        return (int) call(s -> (int) SOCKET.invokeExact(s, domain, type, protocol));
    }

    /**
     * bind(2).
     *
     * @param fd      the socket
     * @param addr    the {@code struct sockaddr}
     * @param addrLen its length
     * @return 0 or -errno
     */
    public static int bind(int fd, MemorySegment addr, int addrLen) {
        return (int) call(s -> (int) BIND.invokeExact(s, fd, addr, addrLen));
    }

    /**
     * listen(2).
     *
     * @param fd      the bound socket
     * @param backlog the most pending connections
     * @return 0 or -errno
     */
    public static int listen(int fd, int backlog) {
        return (int) call(s -> (int) LISTEN.invokeExact(s, fd, backlog));
    }

    /**
     * connect(2).
     *
     * @param fd      the socket
     * @param addr    the {@code struct sockaddr}
     * @param addrLen its length
     * @return 0 or -errno
     */
    public static int connect(int fd, MemorySegment addr, int addrLen) {
        return (int) call(s -> (int) CONNECT.invokeExact(s, fd, addr, addrLen));
    }

    /**
     * accept4(2); {@code addr}/{@code addrLen} may be {@link MemorySegment#NULL}.
     *
     * @param fd      the listening socket
     * @param addr    receives the peer's address, or NULL
     * @param addrLen the in/out {@code socklen_t}, or NULL
     * @param flags   SOCK_NONBLOCK, SOCK_CLOEXEC, or 0
     * @return the new fd, or -errno
     */
    public static int accept(int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        return (int) call(s -> (int) ACCEPT4.invokeExact(s, fd, addr, addrLen, flags));
    }

    /**
     * getsockname(2): the socket's local address.
     *
     * @param fd      the socket
     * @param addr    receives the address
     * @param addrLen the in/out {@code socklen_t}
     * @return 0 or -errno
     */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment addrLen) {
        return (int) call(s -> (int) GETSOCKNAME.invokeExact(s, fd, addr, addrLen));
    }

    /**
     * getpeername(2): the connected peer's address.
     *
     * @param fd      the socket
     * @param addr    receives the address
     * @param addrLen the in/out {@code socklen_t}
     * @return 0 or -errno
     */
    public static int getpeername(int fd, MemorySegment addr, MemorySegment addrLen) {
        return (int) call(s -> (int) GETPEERNAME.invokeExact(s, fd, addr, addrLen));
    }

    /**
     * send(2) with MSG_* flags (e.g. MSG_DONTWAIT to fill a socket without blocking).
     *
     * @param fd    the socket
     * @param buf   the native buffer
     * @param count the bytes to send
     * @param flags {@code MSG_*} flags, or 0
     * @return the bytes sent, or -errno
     */
    public static long send(int fd, MemorySegment buf, long count, int flags) {
        return call(s -> (long) SEND.invokeExact(s, fd, buf, count, flags));
    }

    /**
     * sendto(2): a datagram to {@code addr}.
     *
     * @param fd      the socket
     * @param buf     the native buffer
     * @param count   the bytes to send
     * @param flags   {@code MSG_*} flags, or 0
     * @param addr    the destination {@code struct sockaddr}
     * @param addrLen its length
     * @return the bytes sent, or -errno
     */
    public static long sendto(int fd, MemorySegment buf, long count, int flags, MemorySegment addr, int addrLen) {
        return call(s -> (long) SENDTO.invokeExact(s, fd, buf, count, flags, addr, addrLen));
    }

    /**
     * recv(2) with MSG_* flags.
     *
     * @param fd    the socket
     * @param buf   the native buffer
     * @param count the most bytes to receive
     * @param flags {@code MSG_*} flags, or 0
     * @return the bytes received (0: the peer shut down), or -errno
     */
    public static long recv(int fd, MemorySegment buf, long count, int flags) {
        return call(s -> (long) RECV.invokeExact(s, fd, buf, count, flags));
    }

    /**
     * getsockopt(2).
     *
     * @param fd       the socket
     * @param level    the option level
     * @param name     the option name
     * @param value    receives the value
     * @param valueLen the in/out {@code socklen_t}
     * @return 0 or -errno
     */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment valueLen) {
        return (int) call(s -> (int) GETSOCKOPT.invokeExact(s, fd, level, name, value, valueLen));
    }

    /**
     * setsockopt(2).
     *
     * @param fd       the socket
     * @param level    the option level
     * @param name     the option name
     * @param value    the value
     * @param valueLen its length
     * @return 0 or -errno
     */
    public static int setsockopt(int fd, int level, int name, MemorySegment value, int valueLen) {
        return (int) call(s -> (int) SETSOCKOPT.invokeExact(s, fd, level, name, value, valueLen));
    }

    /**
     * ioctl(2) whose argument is a pointer (e.g. SIOCINQ into an int).
     *
     * @param fd      the file descriptor
     * @param request the request ({@link #FIONREAD}, {@link #SIOCOUTQ}, …)
     * @param arg     the argument memory
     * @return the call's result, or -errno
     */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        return (int) call(s -> (int) IOCTL_INT.invokeExact(s, fd, request, arg));
    }

    /**
     * shutdown(2).
     *
     * @param fd  the socket
     * @param how SHUT_RD, SHUT_WR or SHUT_RDWR
     * @return 0 or -errno
     */
    public static int shutdown(int fd, int how) {
        return (int) call(s -> (int) SHUTDOWN.invokeExact(s, fd, how));
    }

    /**
     * fsync(2).
     *
     * @param fd the file descriptor
     * @return 0 or -errno
     */
    public static int fsync(int fd) {
        return (int) call(s -> (int) FSYNC.invokeExact(s, fd));
    }

    /**
     * ftruncate(2).
     *
     * @param fd     the file descriptor
     * @param length the new size in bytes
     * @return 0 or -errno
     */
    public static int ftruncate(int fd, long length) {
        return (int) call(s -> (int) FTRUNCATE.invokeExact(s, fd, length));
    }

    /**
     * getpid(2).
     *
     * @return this process's id
     */
    public static int getpid() {
        return (int) call(s -> (int) GETPID.invokeExact(s));
    }

    /**
     * gettid(2): the calling thread's kernel id (io-wq workers are named {@code iou-wrk-<tid>}).
     *
     * @return the thread id
     */
    public static int gettid() {
        return (int) call(s -> (int) GETTID.invokeExact(s));
    }

    /**
     * getrlimit(2) into {@code rlim} ({@link #RLIMIT_BYTES}: rlim_cur, rlim_max).
     *
     * @param resource the {@code RLIMIT_*} resource
     * @param rlim     receives the {@link #RLIMIT}
     * @return 0 or -errno
     */
    public static int getrlimit(int resource, MemorySegment rlim) {
        return (int) call(s -> (int) GETRLIMIT.invokeExact(s, resource, rlim));
    }

    /**
     * setrlimit(2) from {@code rlim} (rlim_cur, rlim_max).
     *
     * @param resource the {@code RLIMIT_*} resource
     * @param rlim     the new {@link #RLIMIT}
     * @return 0 or -errno
     */
    public static int setrlimit(int resource, MemorySegment rlim) {
        return (int) call(s -> (int) SETRLIMIT.invokeExact(s, resource, rlim));
    }

    /**
     * epoll_create1(2).
     *
     * @param flags {@code EPOLL_CLOEXEC}, or 0
     * @return the new epoll fd, or -errno
     */
    public static int epollCreate1(int flags) {
        return (int) call(s -> (int) EPOLL_CREATE1.invokeExact(s, flags));
    }

    /**
     * epoll_ctl(2); {@code event} is a {@code struct epoll_event} or {@link MemorySegment#NULL}.
     *
     * @param epfd  the epoll fd
     * @param op    EPOLL_CTL_ADD, _MOD or _DEL
     * @param fd    the fd to add, modify or remove
     * @param event the event, or NULL for DEL
     * @return 0 or -errno
     */
    public static int epollCtl(int epfd, int op, int fd, MemorySegment event) {
        return (int) call(s -> (int) EPOLL_CTL.invokeExact(s, epfd, op, fd, event));
    }

    /**
     * epoll_wait(2).
     *
     * @param epfd          the epoll fd
     * @param events        receives the {@code struct epoll_event}s
     * @param maxEvents     the most events to return
     * @param timeoutMillis the longest wait in milliseconds (-1: no limit, 0: none)
     * @return the number of events, or -errno
     */
    public static int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        return (int) call(s -> (int) EPOLL_WAIT.invokeExact(s, epfd, events, maxEvents, timeoutMillis));
    }

    /**
     * posix_spawn(3) of {@code argv[0]} (an absolute path) with an empty environment: a child the
     * JVM's process reaper does not know, so waitid/waitpid on it are ours. The pid or -errno.
     *
     * @param argv the program's absolute path, then its arguments
     * @return the child's pid, or -errno
     */
    public static int spawn(String... argv) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment args = arena.allocate(ADDRESS, argv.length + 1); // NULL-terminated, zeroed
            for (int i = 0; i < argv.length; i++) args.setAtIndex(ADDRESS, i, arena.allocateFrom(argv[i]));
            MemorySegment env = arena.allocate(ADDRESS, 1);
            MemorySegment pid = arena.allocate(JAVA_INT);
            MemorySegment state = Native.allocateErrnoState(arena);
            int err = (int) POSIX_SPAWN.invokeExact(state, pid, args.getAtIndex(ADDRESS, 0), MemorySegment.NULL,
                    MemorySegment.NULL, args, env);
            return err != 0 ? -err : pid.get(JAVA_INT, 0); // posix_spawn returns the error number itself
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * waitpid(2) without status.
     *
     * @param pid     the child to wait for
     * @param options {@code W*} options, e.g. WNOHANG, or 0
     * @return the pid reaped, 0 (WNOHANG, still running) or -errno
     */
    public static int waitpid(int pid, int options) {
        return (int) call(s -> (int) WAITPID.invokeExact(s, pid, MemorySegment.NULL, options));
    }
}
