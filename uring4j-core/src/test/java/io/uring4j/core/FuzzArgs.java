package io.uring4j.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Fuzzed arguments for the prep helpers, chosen by each parameter's role. The role comes from the
 * parameter's name (core is compiled with {@code -parameters}) and, for a few names, the helper's
 * opcode; a name this table does not know fails {@link CoreFuzzTest#everyHelperParameterHasARole},
 * because a guess could hand the kernel a JVM fd or a struct of random pointers.
 *
 * <p>Safety lives here: fds come from the scenario's {@link FuzzFds}; paths are names in its temp
 * directory (relative ones never with AT_FDCWD); structs that hold pointers (iovecs, msghdr,
 * futex_waitv) are built with core's builders over guarded buffers; socket addresses are abstract
 * unix names; socket domains are AF_UNIX or invalid; madvise advice excludes the values that take
 * pages away from the process (MADV_HWPOISON, MADV_SOFT_OFFLINE, MADV_GUARD_INSTALL). Lengths,
 * offsets, counts, flags and the rest are fully random (biased to edges and to the sizes of the
 * call's own segments): the checked API must refuse what does not fit.
 */
final class FuzzArgs {
    enum Role {
        FD, DIR_FD, CLOSABLE_FD, RING_FD, DOMAIN, ADVICE, INT, COUNT, LONG, LENGTH, FALLOCATE_LEN,
        TARGET_USER_DATA, NEW_USER_DATA, MSG_DATA, BOOL, OPCODE,
        BUFFER, PATH, SYMLINK_TARGET, XATTR_NAME, IOVECS, MSGHDR, FUTEXV, TIMESPEC, OPEN_HOW, SOCKADDR, SOCKLEN, FD_ARRAY;

        boolean isFd() {
            return this == FD || this == DIR_FD || this == CLOSABLE_FD || this == RING_FD;
        }
    }

    private static final Map<String, Role> INT_ROLES = roles(
            "fd fdIn fdOut epfd", Role.FD,
            "dfd oldDfd newDfd newDirFd", Role.DIR_FD,
            "domain", Role.DOMAIN,
            "advice", Role.ADVICE,
            "len nbytes length optlen addrLen maxEvents nrVecs nrFds nr nrFutex count backlog", Role.COUNT,
            "flags mode rwFlags fsyncFlags pollMask spliceFlags pipeFlags futexFlags zcFlags cqeFlags options type protocol"
                    + " level optname cmdOp idtype id how op injectedResult mask offset slot sourceSlot targetSlot"
                    + " bufIndex bufGroup bgid bid ifqIndex", Role.INT);
    private static final Map<String, Role> LONG_ROLES = roles(
            "offset offIn offOut len nbytes length bufOffset fileOffset", Role.LENGTH,
            "userData oldUserData", Role.TARGET_USER_DATA,
            "newUserData", Role.NEW_USER_DATA,
            "data", Role.MSG_DATA,
            "val mask", Role.LONG);
    private static final Map<String, Role> SEGMENT_ROLES = roles(
            "buf region value optval statxbuf infop events ev futex", Role.BUFFER,
            "path oldPath newPath linkPath", Role.PATH,
            "target", Role.SYMLINK_TARGET,
            "name", Role.XATTR_NAME,
            "iovecs", Role.IOVECS,
            "msg", Role.MSGHDR,
            "futexv", Role.FUTEXV,
            "ts", Role.TIMESPEC,
            "how", Role.OPEN_HOW,
            "addr sockaddr", Role.SOCKADDR,
            "addrLen sockaddrLen", Role.SOCKLEN,
            "fds", Role.BUFFER);

    /** Names inside the scenario's directory; never "..". */
    private static final List<String> NAMES = List.of("a", "b", "f", "d", "d/x", "l", ".", "", "n".repeat(300));

    /** The role of {@code p} in {@code helper}; throws naming the parameter when there is none. */
    static Role role(Method helper, Parameter p) {
        Opcode op = helper.getAnnotation(Prep.class).value();
        String n = p.getName();
        Class<?> t = p.getType();
        Role r;
        if (t == int.class) {
            r = INT_ROLES.get(n);
            if (r == Role.FD && op == Opcode.CLOSE) r = Role.CLOSABLE_FD;
            if (r == Role.FD && op == Opcode.MSG_RING) r = Role.RING_FD;
        } else if (t == long.class) {
            r = LONG_ROLES.get(n);
            if (op == Opcode.FALLOCATE && n.equals("len")) r = Role.FALLOCATE_LEN; // real disk blocks: capped
        } else if (t == MemorySegment.class) {
            r = SEGMENT_ROLES.get(n);
            if (op == Opcode.PROVIDE_BUFFERS && n.equals("addr")) r = Role.BUFFER;
            if (op == Opcode.FILES_UPDATE && n.equals("fds")) r = Role.FD_ARRAY;
        } else if (t == boolean.class) {
            r = Role.BOOL;
        } else if (t == Opcode.class) {
            r = Role.OPCODE;
        } else {
            r = null;
        }
        if (!p.isNamePresent()) {
            throw new IllegalStateException("parameter names are missing (compile core with -parameters): " + helper);
        }
        if (r == null) {
            throw new IllegalStateException(helper.getDeclaringClass().getSimpleName() + "." + helper.getName() + " parameter "
                    + t.getSimpleName() + " " + n + " has no fuzz role: add its name to FuzzArgs (and say what the kernel does with it)");
        }
        return r;
    }

    /** One prepared call: the arguments, and whether the checked API must refuse them (and why). */
    record Call(Method helper, Object[] args, String mustRefuse, Role fdFieldRole, boolean relative, String text) {}

    private final FuzzInput in;
    private final GuardedMemory mem;
    private final FuzzFds fds;
    private final CqeLedger ledger;
    int selfRingFd = -1, peerRingFd = -1;

    FuzzArgs(FuzzInput in, GuardedMemory mem, FuzzFds fds, CqeLedger ledger) {
        this.in = in;
        this.mem = mem;
        this.fds = fds;
        this.ledger = ledger;
    }

    Call call(Method helper) {
        Parameter[] ps = helper.getParameters();
        Role[] roles = new Role[ps.length];
        Object[] args = new Object[ps.length];
        List<Long> hints = new ArrayList<>(List.of(0L, 1L, 16L, 4096L));
        String mustRefuse = null;
        boolean relative = false;
        Role fdField = null;
        for (int i = 0; i < ps.length; i++) {
            roles[i] = role(helper, ps[i]);
            if (fdField == null && roles[i].isFd()) fdField = roles[i];
        }
        for (int i = 0; i < ps.length; i++) { // segments first: their sizes steer the lengths
            if (ps[i].getType() != MemorySegment.class) continue;
            if (roles[i] == Role.PATH || roles[i] == Role.SYMLINK_TARGET) {
                boolean rel = in.bool();
                relative |= rel;
                args[i] = path(rel);
            } else {
                args[i] = segment(roles[i], hints);
            }
            MemorySegment seg = (MemorySegment) args[i];
            hints.add(seg.byteSize());
            if (hostile != null) {
                if (mustRefuse == null) mustRefuse = ps[i].getName() + " is " + hostile;
                hostile = null;
            }
        }
        for (int i = 0; i < ps.length; i++) {
            if (ps[i].getType() == MemorySegment.class) continue;
            args[i] = scalar(roles[i], hints, relative);
        }
        return new Call(helper, args, mustRefuse, fdField, relative, describe(helper, ps, args));
    }

    /** A value for the fd field set by the {@code fd()} setter after the helper: drawn as the helper's own fd. */
    int fdFieldValue(Call c) {
        return (int) scalar(c.fdFieldRole(), List.of(0L), c.relative());
    }

    private String hostile;

    private MemorySegment segment(Role role, List<Long> hints) {
        int variant = in.intIn(0, 23);
        if (variant == 0) {
            hostile = "a heap segment";
            return MemorySegment.ofArray(new byte[in.intIn(0, 64)]);
        }
        if (variant == 1) {
            hostile = "a segment of a closed arena";
            Arena a = Arena.ofConfined();
            MemorySegment s = a.allocate(in.intIn(1, 256), 8);
            a.close();
            return s;
        }
        if (variant == 2) return MemorySegment.NULL;
        MemorySegment seg = switch (role) {
            case BUFFER -> mem.buffer();
            case XATTR_NAME -> cString(in.pick(List.of("user.a", "user.fuzz", "trusted.t", "security.s", "system.posix_acl_access", "x", "")),
                    in.oneIn(8));
            case IOVECS -> iovecs();
            case MSGHDR -> Msghdr.allocate(mem, in.bool() ? sockaddr() : MemorySegment.NULL,
                    in.bool() ? mem.buffer() : MemorySegment.NULL, buffers(in.intIn(0, 3)));
            case FUTEXV -> futexv();
            case TIMESPEC -> timespec();
            case OPEN_HOW -> in.oneIn(4) ? mem.buffer()
                    : OpenHow.allocate(mem, in.pick(List.of(0L, 2L, 0102L, 01102L, 020200000L, in.anyLong())), in.intIn(0, 0777), in.intIn(0, 0x3F));
            case SOCKADDR -> sockaddr();
            case SOCKLEN -> socklen(hints);
            case FD_ARRAY -> fdArray();
            default -> throw new IllegalStateException("not a segment role: " + role);
        };
        if (variant == 3) return mem.readOnly(seg);
        return seg;
    }

    private MemorySegment[] buffers(int n) {
        MemorySegment[] b = new MemorySegment[n];
        for (int i = 0; i < n; i++) b[i] = mem.buffer();
        return b;
    }

    private MemorySegment iovecs() {
        int n = in.oneIn(16) ? in.pick(1024, 1025, 4096) : in.intIn(0, 6);
        MemorySegment iov = Iovecs.allocate(mem, n);
        int set = Math.min(n, 6);
        for (int i = 0; i < set; i++) {
            MemorySegment b = mem.buffer();
            Iovecs.set(iov, i, b, in.bool() ? b.byteSize() : in.longIn(0, b.byteSize()));
        }
        return iov;
    }

    private MemorySegment futexv() {
        int n = in.oneIn(16) ? in.pick(128, 129) : in.intIn(0, 3);
        MemorySegment v = FutexWaitv.allocate(mem, n);
        for (int i = 0; i < Math.min(n, 3); i++) {
            FutexWaitv.set(v, i, mem.allocate(8, 8), in.intIn(-1, 2), in.oneIn(4) ? in.anyInt() : in.pick(2, 2 | 128, 3, 0));
        }
        return v;
    }

    private MemorySegment timespec() {
        if (in.oneIn(4)) {
            MemorySegment ts = mem.allocate(KernelTimespec.BYTES, 8);
            KernelTimespec.set(ts, in.anyLong(), in.oneIn(2) ? in.intIn(0, 999_999_999) : in.anyLong());
            return ts;
        }
        return KernelTimespec.allocate(mem, Duration.ofNanos(in.pick(List.of(0L, 1L, 1000L, 500_000L, 2_000_000L, 3600_000_000_000L))));
    }

    private MemorySegment sockaddr() {
        return switch (in.intIn(0, 4)) {
            case 0 -> FuzzFds.unixAddress(mem, fds.listenerName);
            case 1 -> FuzzFds.unixAddress(mem, (new String(fds.listenerName, StandardCharsets.US_ASCII) + "-" + in.intIn(0, 3))
                    .getBytes(StandardCharsets.US_ASCII));
            case 2 -> { // storage for an address the kernel writes back (accept, recvmsg, getsockname)
                MemorySegment s = mem.allocate(in.pick(0, 2, 16, 110, 128), 8);
                yield s;
            }
            default -> { // anything, but never AF_UNIX, AF_INET or AF_INET6: unknown families are refused
                MemorySegment s = mem.buffer();
                if (s.byteSize() >= 2) {
                    int family = in.intIn(3, 0xFFFF);
                    s.set(JAVA_SHORT, 0, (short) (family == 10 ? 0xFFFF : family));
                }
                yield s;
            }
        };
    }

    private MemorySegment socklen(List<Long> hints) {
        MemorySegment s = mem.allocate(in.oneIn(8) ? in.intIn(0, 3) : 4, 4);
        if (s.byteSize() == 4) s.set(JAVA_INT, 0, in.oneIn(4) ? in.anyInt() : (int) (long) in.pick(hints) + in.intIn(-1, 1));
        return s;
    }

    private MemorySegment fdArray() {
        int n = in.intIn(0, 8);
        MemorySegment s = mem.allocate(4L * n, 4);
        for (int i = 0; i < n; i++) s.setAtIndex(JAVA_INT, i, in.oneIn(3) ? in.pick(-1, -2) : fds.fd(in));
        return s;
    }

    private MemorySegment path(boolean relative) {
        String name = in.pick(NAMES);
        String p = relative ? name : fds.dir + "/" + name;
        MemorySegment s = cString(p, in.oneIn(16));
        int variant = in.intIn(0, 23);
        if (variant == 0) {
            hostile = "a heap segment";
            return MemorySegment.ofArray((p + "\0").getBytes(StandardCharsets.UTF_8));
        }
        if (variant == 1) {
            hostile = "a segment of a closed arena";
            Arena a = Arena.ofConfined();
            MemorySegment c = a.allocateFrom(p);
            a.close();
            return c;
        }
        return variant == 2 ? mem.readOnly(s) : s;
    }

    private MemorySegment cString(String s, boolean noNul) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment seg = mem.allocate(b.length + (noNul ? 0 : 1), 1);
        MemorySegment.copy(b, 0, seg, JAVA_BYTE, 0, b.length);
        if (noNul) {
            if (b.length == 0 || hostile != null) return seg;
            hostile = "a string without its NUL";
        } else {
            seg.set(JAVA_BYTE, b.length, (byte) 0);
        }
        return seg;
    }

    private Object scalar(Role role, List<Long> hints, boolean relative) {
        return switch (role) {
            case FD -> fds.fd(in);
            case DIR_FD -> in.oneIn(3) ? fds.dirFd : !relative && in.oneIn(3) ? FsOps.AT_FDCWD : fds.fd(in);
            case CLOSABLE_FD -> fds.closableFd(in);
            case RING_FD -> switch (in.intIn(0, 5)) {
                case 0, 1 -> selfRingFd;
                case 2, 3 -> peerRingFd;
                default -> fds.fd(in);
            };
            case DOMAIN -> in.oneIn(6) ? in.pick(-1, 0, 46, 1000, Integer.MIN_VALUE) : FuzzFds.AF_UNIX_DOMAIN;
            case ADVICE -> in.oneIn(8) ? in.pick(-1, 26, 99, 200, Integer.MAX_VALUE) : in.intIn(0, 25);
            case INT -> anyIntBiased();
            case COUNT -> (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, length(hints)));
            case LONG -> in.oneIn(2) ? (long) anyIntBiased() : in.anyLong();
            case LENGTH -> length(hints);
            case FALLOCATE_LEN -> in.oneIn(8) ? in.pick(List.of(-1L, 0L, Long.MIN_VALUE)) : in.longIn(0, 1 << 20);
            case TARGET_USER_DATA -> ledger.someUserData(in);
            case NEW_USER_DATA -> ledger.aliasUserData(in);
            case MSG_DATA -> ledger.messageTag();
            case BOOL -> in.bool();
            case OPCODE -> in.pick(List.of(Opcode.values()));
            default -> throw new IllegalStateException("not a scalar role: " + role);
        };
    }

    int anyIntBiased() {
        return switch (in.intIn(0, 9)) {
            case 0, 1, 2 -> 0;
            case 3, 4 -> in.intIn(0, 16);
            case 5 -> 1 << in.intIn(0, 31);
            case 6 -> in.pick(-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0xFFFF, 0x10000);
            default -> in.anyInt();
        };
    }

    private long length(List<Long> hints) {
        long h = in.pick(hints);
        return switch (in.intIn(0, 9)) {
            case 0 -> 0;
            case 1, 2 -> h;
            case 3 -> h + in.intIn(-1, 1);
            case 4 -> h / in.pick(2, 4, 8, 12, 16);
            case 5 -> in.intIn(0, 64);
            case 6 -> in.pick(List.of(-1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, (long) Integer.MAX_VALUE, Integer.MAX_VALUE + 1L));
            case 7 -> 4096L * in.intIn(0, 16);
            default -> in.anyLong();
        };
    }

    private static String describe(Method helper, Parameter[] ps, Object[] args) {
        StringBuilder sb = new StringBuilder(helper.getName()).append('(');
        for (int i = 0; i < ps.length; i++) {
            if (i > 0) sb.append(", ");
            Object a = args[i];
            sb.append(ps[i].getName()).append('=');
            if (a instanceof MemorySegment s) {
                sb.append(s.isNative() ? "seg[" + s.byteSize() + (s.isReadOnly() ? ",ro" : "") + "]" : "heap[" + s.byteSize() + "]");
            } else {
                sb.append(a);
            }
        }
        return sb.append(')').toString();
    }

    private static Map<String, Role> roles(Object... namesAndRoles) {
        java.util.HashMap<String, Role> m = new java.util.HashMap<>();
        for (int i = 0; i < namesAndRoles.length; i += 2) {
            for (String n : ((String) namesAndRoles[i]).split(" ")) m.put(n, (Role) namesAndRoles[i + 1]);
        }
        return Map.copyOf(m);
    }
}
