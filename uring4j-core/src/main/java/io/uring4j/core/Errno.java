package io.uring4j.core;

/**
 * Linux errno values (x86-64 numbering, which is the generic one shared by most architectures).
 *
 * <p>io_uring reports failures as {@code -errno} in {@code cqe->res} and as negative return values
 * of the system calls, so {@link #of} and {@link #describe} accept either sign. Descriptions are
 * glibc's {@code strerror} texts, so messages read the same as those of C programs.
 *
 * <p>Aliases have no constant of their own: {@code EWOULDBLOCK} is {@link #EAGAIN},
 * {@code EDEADLOCK} is {@link #EDEADLK} and {@code ENOTSUP} is {@link #EOPNOTSUPP}. Numbers 41 and
 * 58 are unassigned.
 */
public enum Errno {
    /**
     * {@code EPERM} (1): operation not permitted: the caller lacks a privilege; for io_uring: e.g.
     * io_uring is disabled for this user by the {@code kernel.io_uring_disabled} sysctl, or SQPOLL before
     * kernel 5.11 without privilege.
     */
    EPERM(1, "Operation not permitted"),
    /**
     * {@code ENOENT} (2): no such file or directory; for io_uring cancel and timeout removal: no request
     * matched.
     */
    ENOENT(2, "No such file or directory"),
    /** {@code ESRCH} (3): no such process. */
    ESRCH(3, "No such process"),
    /**
     * {@code EINTR} (4): a blocking call (e.g. a waiting {@code io_uring_enter}) was interrupted by a
     * signal.
     */
    EINTR(4, "Interrupted system call"),
    /** {@code EIO} (5): input/output error reported by the device or file system. */
    EIO(5, "Input/output error"),
    /**
     * {@code ENXIO} (6): no such device or address; for io_uring: e.g. unregistering files or buffers that
     * were never registered.
     */
    ENXIO(6, "No such device or address"),
    /** {@code E2BIG} (7): argument list too long. */
    E2BIG(7, "Argument list too long"),
    /** {@code ENOEXEC} (8): exec format error. */
    ENOEXEC(8, "Exec format error"),
    /** {@code EBADF} (9): bad file descriptor: the fd is not open, or not open for the requested access. */
    EBADF(9, "Bad file descriptor"),
    /** {@code ECHILD} (10): no child processes. */
    ECHILD(10, "No child processes"),
    /**
     * {@code EAGAIN} (11): resource temporarily unavailable (also {@code EWOULDBLOCK}); for io_uring: e.g.
     * the kernel could not allocate a request, or a non-blocking attempt would block.
     */
    EAGAIN(11, "Resource temporarily unavailable"),
    /**
     * {@code ENOMEM} (12): cannot allocate memory (kernel memory, or locked memory for rings and
     * registered buffers).
     */
    ENOMEM(12, "Cannot allocate memory"),
    /**
     * {@code EACCES} (13): permission denied by the file mode or a security policy; for io_uring: also a
     * ring restriction that forbids the opcode, flag or register call.
     */
    EACCES(13, "Permission denied"),
    /** {@code EFAULT} (14): bad address: the kernel could not access a user pointer it was given. */
    EFAULT(14, "Bad address"),
    /** {@code ENOTBLK} (15): block device required. */
    ENOTBLK(15, "Block device required"),
    /**
     * {@code EBUSY} (16): device or resource busy; for io_uring: e.g. files or buffers are already
     * registered, or overflowed completions could not all be flushed to the CQ ring yet.
     */
    EBUSY(16, "Device or resource busy"),
    /** {@code EEXIST} (17): file exists; for io_uring: e.g. a buffer group id that is already in use. */
    EEXIST(17, "File exists"),
    /** {@code EXDEV} (18): invalid cross-device link. */
    EXDEV(18, "Invalid cross-device link"),
    /** {@code ENODEV} (19): no such device. */
    ENODEV(19, "No such device"),
    /** {@code ENOTDIR} (20): not a directory. */
    ENOTDIR(20, "Not a directory"),
    /** {@code EISDIR} (21): is a directory. */
    EISDIR(21, "Is a directory"),
    /** {@code EINVAL} (22): invalid argument: a flag, field or value the kernel does not accept. */
    EINVAL(22, "Invalid argument"),
    /** {@code ENFILE} (23): too many open files in the system (the system-wide limit). */
    ENFILE(23, "Too many open files in system"),
    /** {@code EMFILE} (24): too many open files in this process ({@code RLIMIT_NOFILE}). */
    EMFILE(24, "Too many open files"),
    /** {@code ENOTTY} (25): inappropriate ioctl for device. */
    ENOTTY(25, "Inappropriate ioctl for device"),
    /** {@code ETXTBSY} (26): text file busy. */
    ETXTBSY(26, "Text file busy"),
    /** {@code EFBIG} (27): file too large. */
    EFBIG(27, "File too large"),
    /** {@code ENOSPC} (28): no space left on device. */
    ENOSPC(28, "No space left on device"),
    /** {@code ESPIPE} (29): illegal seek. */
    ESPIPE(29, "Illegal seek"),
    /** {@code EROFS} (30): read-only file system. */
    EROFS(30, "Read-only file system"),
    /** {@code EMLINK} (31): too many links. */
    EMLINK(31, "Too many links"),
    /** {@code EPIPE} (32): broken pipe. */
    EPIPE(32, "Broken pipe"),
    /** {@code EDOM} (33): numerical argument out of domain. */
    EDOM(33, "Numerical argument out of domain"),
    /** {@code ERANGE} (34): numerical result out of range. */
    ERANGE(34, "Numerical result out of range"),
    /** {@code EDEADLK} (35): resource deadlock avoided (also {@code EDEADLOCK}). */
    EDEADLK(35, "Resource deadlock avoided"),
    /** {@code ENAMETOOLONG} (36): file name too long. */
    ENAMETOOLONG(36, "File name too long"),
    /** {@code ENOLCK} (37): no locks available. */
    ENOLCK(37, "No locks available"),
    /**
     * {@code ENOSYS} (38): function not implemented: the kernel lacks the system call (for io_uring: a
     * kernel before 5.1, or one built without io_uring).
     */
    ENOSYS(38, "Function not implemented"),
    /** {@code ENOTEMPTY} (39): directory not empty. */
    ENOTEMPTY(39, "Directory not empty"),
    /** {@code ELOOP} (40): too many levels of symbolic links. */
    ELOOP(40, "Too many levels of symbolic links"),
    /** {@code ENOMSG} (42): no message of desired type. */
    ENOMSG(42, "No message of desired type"),
    /** {@code EIDRM} (43): identifier removed. */
    EIDRM(43, "Identifier removed"),
    /** {@code ECHRNG} (44): channel number out of range. */
    ECHRNG(44, "Channel number out of range"),
    /** {@code EL2NSYNC} (45): level 2 not synchronized. */
    EL2NSYNC(45, "Level 2 not synchronized"),
    /** {@code EL3HLT} (46): level 3 halted. */
    EL3HLT(46, "Level 3 halted"),
    /** {@code EL3RST} (47): level 3 reset. */
    EL3RST(47, "Level 3 reset"),
    /** {@code ELNRNG} (48): link number out of range. */
    ELNRNG(48, "Link number out of range"),
    /** {@code EUNATCH} (49): protocol driver not attached. */
    EUNATCH(49, "Protocol driver not attached"),
    /** {@code ENOCSI} (50): no CSI structure available. */
    ENOCSI(50, "No CSI structure available"),
    /** {@code EL2HLT} (51): level 2 halted. */
    EL2HLT(51, "Level 2 halted"),
    /** {@code EBADE} (52): invalid exchange. */
    EBADE(52, "Invalid exchange"),
    /** {@code EBADR} (53): invalid request descriptor. */
    EBADR(53, "Invalid request descriptor"),
    /** {@code EXFULL} (54): exchange full. */
    EXFULL(54, "Exchange full"),
    /** {@code ENOANO} (55): no anode. */
    ENOANO(55, "No anode"),
    /** {@code EBADRQC} (56): invalid request code. */
    EBADRQC(56, "Invalid request code"),
    /** {@code EBADSLT} (57): invalid slot. */
    EBADSLT(57, "Invalid slot"),
    /** {@code EBFONT} (59): bad font file format. */
    EBFONT(59, "Bad font file format"),
    /** {@code ENOSTR} (60): device not a stream. */
    ENOSTR(60, "Device not a stream"),
    /** {@code ENODATA} (61): no data available. */
    ENODATA(61, "No data available"),
    /**
     * {@code ETIME} (62): timer expired; for io_uring: a timeout request or a wait with a timeout
     * completed by expiring.
     */
    ETIME(62, "Timer expired"),
    /** {@code ENOSR} (63): out of streams resources. */
    ENOSR(63, "Out of streams resources"),
    /** {@code ENONET} (64): machine is not on the network. */
    ENONET(64, "Machine is not on the network"),
    /** {@code ENOPKG} (65): package not installed. */
    ENOPKG(65, "Package not installed"),
    /** {@code EREMOTE} (66): object is remote. */
    EREMOTE(66, "Object is remote"),
    /** {@code ENOLINK} (67): link has been severed. */
    ENOLINK(67, "Link has been severed"),
    /** {@code EADV} (68): advertise error. */
    EADV(68, "Advertise error"),
    /** {@code ESRMNT} (69): srmount error. */
    ESRMNT(69, "Srmount error"),
    /** {@code ECOMM} (70): communication error on send. */
    ECOMM(70, "Communication error on send"),
    /** {@code EPROTO} (71): protocol error. */
    EPROTO(71, "Protocol error"),
    /** {@code EMULTIHOP} (72): multihop attempted. */
    EMULTIHOP(72, "Multihop attempted"),
    /** {@code EDOTDOT} (73): RFS specific error. */
    EDOTDOT(73, "RFS specific error"),
    /** {@code EBADMSG} (74): bad message. */
    EBADMSG(74, "Bad message"),
    /** {@code EOVERFLOW} (75): value too large for the defined data type. */
    EOVERFLOW(75, "Value too large for defined data type"),
    /** {@code ENOTUNIQ} (76): name not unique on network. */
    ENOTUNIQ(76, "Name not unique on network"),
    /**
     * {@code EBADFD} (77): file descriptor in bad state; for io_uring: e.g. a multishot read on a file
     * that cannot be polled, or entering a ring that is still disabled.
     */
    EBADFD(77, "File descriptor in bad state"),
    /** {@code EREMCHG} (78): remote address changed. */
    EREMCHG(78, "Remote address changed"),
    /** {@code ELIBACC} (79): can not access a needed shared library. */
    ELIBACC(79, "Can not access a needed shared library"),
    /** {@code ELIBBAD} (80): accessing a corrupted shared library. */
    ELIBBAD(80, "Accessing a corrupted shared library"),
    /** {@code ELIBSCN} (81): .lib section in a.out corrupted. */
    ELIBSCN(81, ".lib section in a.out corrupted"),
    /** {@code ELIBMAX} (82): attempting to link in too many shared libraries. */
    ELIBMAX(82, "Attempting to link in too many shared libraries"),
    /** {@code ELIBEXEC} (83): cannot exec a shared library directly. */
    ELIBEXEC(83, "Cannot exec a shared library directly"),
    /** {@code EILSEQ} (84): invalid or incomplete multibyte or wide character. */
    EILSEQ(84, "Invalid or incomplete multibyte or wide character"),
    /**
     * {@code ERESTART} (85): interrupted system call should be restarted (kernel-internal; rarely seen by
     * user space).
     */
    ERESTART(85, "Interrupted system call should be restarted"),
    /** {@code ESTRPIPE} (86): streams pipe error. */
    ESTRPIPE(86, "Streams pipe error"),
    /** {@code EUSERS} (87): too many users. */
    EUSERS(87, "Too many users"),
    /** {@code ENOTSOCK} (88): socket operation on non-socket. */
    ENOTSOCK(88, "Socket operation on non-socket"),
    /** {@code EDESTADDRREQ} (89): destination address required. */
    EDESTADDRREQ(89, "Destination address required"),
    /** {@code EMSGSIZE} (90): message too long. */
    EMSGSIZE(90, "Message too long"),
    /** {@code EPROTOTYPE} (91): protocol wrong type for socket. */
    EPROTOTYPE(91, "Protocol wrong type for socket"),
    /** {@code ENOPROTOOPT} (92): protocol not available. */
    ENOPROTOOPT(92, "Protocol not available"),
    /** {@code EPROTONOSUPPORT} (93): protocol not supported. */
    EPROTONOSUPPORT(93, "Protocol not supported"),
    /** {@code ESOCKTNOSUPPORT} (94): socket type not supported. */
    ESOCKTNOSUPPORT(94, "Socket type not supported"),
    /**
     * {@code EOPNOTSUPP} (95): operation not supported (also {@code ENOTSUP}); for io_uring: e.g. an
     * opcode or flag the file or kernel does not support.
     */
    EOPNOTSUPP(95, "Operation not supported"),
    /** {@code EPFNOSUPPORT} (96): protocol family not supported. */
    EPFNOSUPPORT(96, "Protocol family not supported"),
    /** {@code EAFNOSUPPORT} (97): address family not supported by protocol. */
    EAFNOSUPPORT(97, "Address family not supported by protocol"),
    /** {@code EADDRINUSE} (98): address already in use. */
    EADDRINUSE(98, "Address already in use"),
    /** {@code EADDRNOTAVAIL} (99): cannot assign requested address. */
    EADDRNOTAVAIL(99, "Cannot assign requested address"),
    /** {@code ENETDOWN} (100): network is down. */
    ENETDOWN(100, "Network is down"),
    /** {@code ENETUNREACH} (101): network is unreachable. */
    ENETUNREACH(101, "Network is unreachable"),
    /** {@code ENETRESET} (102): network dropped connection on reset. */
    ENETRESET(102, "Network dropped connection on reset"),
    /** {@code ECONNABORTED} (103): software caused connection abort. */
    ECONNABORTED(103, "Software caused connection abort"),
    /** {@code ECONNRESET} (104): connection reset by peer. */
    ECONNRESET(104, "Connection reset by peer"),
    /**
     * {@code ENOBUFS} (105): no buffer space available; for io_uring: the selected provided-buffer group
     * had no buffer left.
     */
    ENOBUFS(105, "No buffer space available"),
    /** {@code EISCONN} (106): transport endpoint is already connected. */
    EISCONN(106, "Transport endpoint is already connected"),
    /** {@code ENOTCONN} (107): transport endpoint is not connected. */
    ENOTCONN(107, "Transport endpoint is not connected"),
    /** {@code ESHUTDOWN} (108): cannot send after transport endpoint shutdown. */
    ESHUTDOWN(108, "Cannot send after transport endpoint shutdown"),
    /** {@code ETOOMANYREFS} (109): too many references: cannot splice. */
    ETOOMANYREFS(109, "Too many references: cannot splice"),
    /** {@code ETIMEDOUT} (110): connection timed out. */
    ETIMEDOUT(110, "Connection timed out"),
    /** {@code ECONNREFUSED} (111): connection refused. */
    ECONNREFUSED(111, "Connection refused"),
    /** {@code EHOSTDOWN} (112): host is down. */
    EHOSTDOWN(112, "Host is down"),
    /** {@code EHOSTUNREACH} (113): no route to host. */
    EHOSTUNREACH(113, "No route to host"),
    /**
     * {@code EALREADY} (114): operation already in progress; for io_uring: the request to cancel is
     * already running and cannot be stopped.
     */
    EALREADY(114, "Operation already in progress"),
    /** {@code EINPROGRESS} (115): operation now in progress, e.g. a non-blocking connect. */
    EINPROGRESS(115, "Operation now in progress"),
    /** {@code ESTALE} (116): stale file handle. */
    ESTALE(116, "Stale file handle"),
    /** {@code EUCLEAN} (117): structure needs cleaning. */
    EUCLEAN(117, "Structure needs cleaning"),
    /** {@code ENOTNAM} (118): not a XENIX named type file. */
    ENOTNAM(118, "Not a XENIX named type file"),
    /** {@code ENAVAIL} (119): no XENIX semaphores available. */
    ENAVAIL(119, "No XENIX semaphores available"),
    /** {@code EISNAM} (120): is a named type file. */
    EISNAM(120, "Is a named type file"),
    /** {@code EREMOTEIO} (121): remote I/O error. */
    EREMOTEIO(121, "Remote I/O error"),
    /** {@code EDQUOT} (122): disk quota exceeded. */
    EDQUOT(122, "Disk quota exceeded"),
    /** {@code ENOMEDIUM} (123): no medium found. */
    ENOMEDIUM(123, "No medium found"),
    /** {@code EMEDIUMTYPE} (124): wrong medium type. */
    EMEDIUMTYPE(124, "Wrong medium type"),
    /**
     * {@code ECANCELED} (125): operation canceled; for io_uring: the request was cancelled, or a linked
     * request failed before it ran.
     */
    ECANCELED(125, "Operation canceled"),
    /** {@code ENOKEY} (126): required key not available. */
    ENOKEY(126, "Required key not available"),
    /** {@code EKEYEXPIRED} (127): key has expired. */
    EKEYEXPIRED(127, "Key has expired"),
    /** {@code EKEYREVOKED} (128): key has been revoked. */
    EKEYREVOKED(128, "Key has been revoked"),
    /** {@code EKEYREJECTED} (129): key was rejected by service. */
    EKEYREJECTED(129, "Key was rejected by service"),
    /** {@code EOWNERDEAD} (130): owner died: the holder of a robust lock exited. */
    EOWNERDEAD(130, "Owner died"),
    /** {@code ENOTRECOVERABLE} (131): state not recoverable. */
    ENOTRECOVERABLE(131, "State not recoverable"),
    /** {@code ERFKILL} (132): operation not possible due to RF-kill. */
    ERFKILL(132, "Operation not possible due to RF-kill"),
    /** {@code EHWPOISON} (133): memory page has hardware error. */
    EHWPOISON(133, "Memory page has hardware error");

    private static final Errno[] BY_CODE;

    static {
        Errno[] all = values();
        BY_CODE = new Errno[all[all.length - 1].code + 1];
        for (Errno e : all) {
            if (BY_CODE[e.code] != null) {
                throw new ExceptionInInitializerError("duplicate errno " + e.code);
            }
            BY_CODE[e.code] = e;
        }
    }

    private final int code;
    private final String description;

    Errno(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /**
     * The errno number.
     *
     * @return the positive errno number, e.g. 22 for {@link #EINVAL}
     */
    public int code() {
        return code;
    }

    /**
     * The human-readable description.
     *
     * @return the glibc {@code strerror} text, e.g. {@code "Invalid argument"}
     */
    public String description() {
        return description;
    }

    /**
     * Looks up an errno by number; a plain array lookup, so it is cheap enough for every failed CQE.
     *
     * @param code an errno number of either sign: {@code 22} and {@code -22} (a {@code cqe->res} or
     *             a system call's negative return) both give {@link #EINVAL}
     * @return the constant for {@code |code|}, or {@code null} if Linux defines no such errno
     *         (including 0)
     */
    public static Errno of(int code) {
        int c = code < 0 ? -code : code;
        return c > 0 && c < BY_CODE.length ? BY_CODE[c] : null;
    }

    /**
     * Describes an errno number for an error message.
     *
     * @param code an errno number of either sign; the sign is ignored
     * @return a message fragment such as {@code "EINVAL (Invalid argument)"}, or
     *         {@code "errno 999 (unknown)"} for numbers Linux does not define
     */
    public static String describe(int code) {
        Errno e = of(code);
        if (e == null) {
            return "errno " + Math.abs((long) code) + " (unknown)";
        }
        return e.name() + " (" + e.description + ")";
    }
}
