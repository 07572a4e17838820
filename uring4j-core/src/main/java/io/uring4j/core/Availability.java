package io.uring4j.core;

import io.uring4j.core.internal.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Answers whether io_uring works here, and if not why (once per JVM, unless the check met a
 * shortage of the moment): Netty's
 * {@code IoUring.isAvailable()/unavailabilityCause()} for uring4j. A two-entry ring is set up, a
 * NOP is submitted and its completion reaped, and the ring is closed: setup, mmap and enter must
 * all work, since a seccomp filter may allow {@code io_uring_setup} and still block
 * {@code io_uring_enter}; so must {@code io_uring_register} for a probe, which every event loop
 * of the runtime needs. A failure is explained by the call that failed, its errno, the
 * {@code io_uring_disabled} sysctl and the seccomp status.
 */
final class Availability {
    private Availability() {}

    private static final long PROBE_USER_DATA = 0x75726e67L;

    /** The answer once it is settled: null while no check has run or the last one met a shortage. */
    private static volatile Answer settled;

    private record Answer(Throwable cause) {}

    /**
     * Why io_uring cannot be used, or null. Checked once per JVM, except that a failure from a
     * shortage of the moment (no free fd, no memory, EAGAIN, EINTR) is not kept: the next call
     * checks again, so a JVM whose first check met a full fd table does not call io_uring
     * unusable for the rest of its life.
     */
    static Throwable cause() {
        Answer a = settled;
        if (a != null) {
            return a.cause;
        }
        synchronized (Availability.class) {
            if (settled != null) {
                return settled.cause;
            }
            Throwable cause = check();
            if (!shortage(cause)) {
                settled = new Answer(cause);
            }
            return cause;
        }
    }

    /** Whether {@code cause} is a kernel call refused for lack of a resource that may come back. */
    private static boolean shortage(Throwable cause) {
        if (cause != null && cause.getCause() instanceof IoUringException e) {
            Errno errno = Errno.of(e.errno());
            return errno == Errno.EMFILE || errno == Errno.ENFILE || errno == Errno.ENOMEM || errno == Errno.EAGAIN
                    || errno == Errno.EINTR;
        }
        return false;
    }

    private static Throwable check() {
        if (Boolean.getBoolean("uring4j.disabled")) {
            return new UnsupportedOperationException("disabled by -During4j.disabled=true");
        }
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return new UnsupportedOperationException("io_uring exists only on Linux, this is " + System.getProperty("os.name"));
        }
        try {
            roundTrip();
            return null;
        } catch (IoUringException e) {
            return new UnsupportedOperationException(explain(e.call(), e.errno(), e.getMessage()), e);
        } catch (Throwable t) {
            if (nativeAccessDenied(t)) {
                return new UnsupportedOperationException(NATIVE_ACCESS, t);
            }
            return new UnsupportedOperationException("io_uring could not be tried: " + chain(t), t);
        }
    }

    /** "A: m; caused by B: n" down the cause chain: an initializer error has no message of its own. */
    static String chain(Throwable t) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (Throwable c = t; c != null && depth++ < 8; c = c.getCause()) {
            if (!sb.isEmpty()) sb.append("; caused by ");
            sb.append(c.getClass().getName());
            if (c.getMessage() != null) sb.append(": ").append(c.getMessage());
        }
        return sb.toString();
    }

    /** What to do when the JVM refuses uring4j's restricted (native) calls. */
    static final String NATIVE_ACCESS = "native access is not enabled for uring4j, so it cannot call io_uring:"
            + " run java with --enable-native-access=io.uring4j.core (module path) or"
            + " --enable-native-access=ALL-UNNAMED (class path), or put 'Enable-Native-Access: ALL-UNNAMED' in the"
            + " manifest of the executable jar";

    /**
     * Whether {@code t} comes from the {@link IllegalCallerException} the JVM throws for a
     * restricted method called without native access. The first thread to touch the class whose
     * static initializer links the syscalls gets it wrapped in an
     * {@link ExceptionInInitializerError}; every later one a {@link NoClassDefFoundError} whose
     * cause only describes it ("Exception java.lang.IllegalCallerException: ... [in thread ...]").
     */
    static boolean nativeAccessDenied(Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth++ < 16; c = c.getCause()) {
            if (c instanceof IllegalCallerException) {
                return true;
            }
            String m = c.getMessage();
            if (c instanceof ExceptionInInitializerError && m != null && m.contains(IllegalCallerException.class.getName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Setup, one NOP through submit and wait, a probe, close: throws the first failing call's
     * exception. The probe (IORING_REGISTER_PROBE) is part of it because every event loop of the
     * runtime and the CLI's probe register one: a filter that blocks only io_uring_register
     * (gVisor has none) would otherwise pass here and fail every loop. A kernel before 5.6 has
     * no probe opcode (EINVAL), which is not a reason to call io_uring unusable.
     */
    private static void roundTrip() {
        try (IoUring ring = IoUring.open(2)) {
            ring.getSqe().prepNop().userData(PROBE_USER_DATA);
            ring.submitAndWait(1); // io_uring_enter: submit, and wait for the completion
            Cqe cqe = ring.peekCqe();
            if (cqe == null || cqe.userData() != PROBE_USER_DATA || cqe.res() != 0) {
                throw new IoUringException("io_uring_enter", cqe == null ? -Errno.ENOSYS.code() : cqe.res(),
                        "a NOP submitted to a new ring did not complete as a NOP (" + (cqe == null ? "no CQE" : "res " + cqe.res()) + ")");
            }
            ring.cqeSeen(cqe);
            try {
                Probe.of(ring);
            } catch (IoUringException e) {
                if (e.errno() != Errno.EINVAL.code()) throw e;
            }
        }
    }

    /** The cause for a failed {@code call} with {@code errno}; {@code message} is the exception's own text. */
    static String explain(String call, int errno, String message) {
        String disabled = readFirstLine("/proc/sys/kernel/io_uring_disabled");
        String seccomp = grep("/proc/self/status", "Seccomp:");
        String errnoName = Errno.describe(errno);
        boolean setup = call.equals("io_uring_setup");
        return switch (Errno.of(errno)) {
            case ENOSYS -> setup
                    ? "the kernel has no io_uring (io_uring_setup: " + errnoName + "): too old or built without CONFIG_IO_URING, or a"
                            + " seccomp filter answers ENOSYS (" + seccomp + ")"
                    : call + " failed with " + errnoName + " after io_uring_setup worked: a seccomp filter blocks " + call
                            + " (" + seccomp + ")";
            case EPERM -> setup
                    ? "io_uring_setup is not permitted: " + errnoName + ": kernel.io_uring_disabled=" + disabled
                            + " (1 allows only the io_uring_group, 2 disables it), " + seccomp
                            + " (a seccomp filter such as Docker's default profile blocks io_uring)"
                    : call + " is not permitted: " + errnoName + ", although io_uring_setup worked: a seccomp filter or LSM blocks "
                            + call + " (" + seccomp + ", kernel.io_uring_disabled=" + disabled + ")";
            case ENOMEM -> message; // IoUring's setup failure names the memory limit in force and the fix
            case EMFILE, ENFILE -> message + (Errno.of(errno) == Errno.EMFILE ? " (this process has no free file descriptor: " + nofileLimit() + ")"
                    : " (the system-wide file table is full: fs.file-max)"); // /proc cannot be read now: no sysctl or seccomp status
            case null, default -> message + " (kernel.io_uring_disabled=" + disabled + ", " + seccomp + ")";
        };
    }

    /** "RLIMIT_NOFILE is 128 (soft), 128 (hard)", from getrlimit(2) (no fd needed). */
    private static String nofileLimit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rlim = arena.allocate(Posix.RLIMIT);
            if (Posix.getrlimit(Posix.RLIMIT_NOFILE, rlim) != 0) {
                return "RLIMIT_NOFILE unknown";
            }
            return "RLIMIT_NOFILE is " + rlim.get(JAVA_LONG, Posix.RLIMIT_CUR) + " (soft), " + rlim.get(JAVA_LONG, Posix.RLIMIT_MAX) + " (hard)";
        } catch (RuntimeException | LinkageError e) {
            return "RLIMIT_NOFILE unknown";
        }
    }

    private static String readFirstLine(String path) {
        try {
            return Files.readAllLines(Path.of(path)).getFirst().trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String grep(String path, String prefix) {
        try {
            return Files.readAllLines(Path.of(path)).stream().filter(l -> l.startsWith(prefix))
                    .map(l -> l.replaceAll("\\s+", " ").trim()).findFirst().orElse(prefix + " unknown");
        } catch (Exception e) {
            return prefix + " unknown";
        }
    }
}
