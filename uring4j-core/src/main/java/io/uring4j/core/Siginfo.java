package io.uring4j.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The {@code siginfo_t} fields waitid(2) fills ({@link MiscOps#prepWaitid}): the 128-byte
 * struct with the SIGCHLD member of its union named.
 *
 * <pre>
 *  0 si_signo | 4 si_errno | 8 si_code | 12 (pad) | 16 si_pid | 20 si_uid | 24 si_status | ... 128
 * </pre>
 *
 * <p>The kernel writes it on completion: it must live until then.
 */
public final class Siginfo {
    private Siginfo() {}

    /** {@code siginfo_t} on x86-64: the fields of a SIGCHLD report, then padding to 128 bytes. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("si_signo"),
            JAVA_INT.withName("si_errno"),
            JAVA_INT.withName("si_code"),
            MemoryLayout.paddingLayout(4),
            JAVA_INT.withName("si_pid"),
            JAVA_INT.withName("si_uid"),
            JAVA_INT.withName("si_status"),
            MemoryLayout.paddingLayout(100)
    ).withName("siginfo_t");

    /** Bytes of {@code siginfo_t} (128). */
    public static final long BYTES = LAYOUT.byteSize();

    /* si_code values for SIGCHLD. */
    /** {@code CLD_EXITED}: the child exited; {@link #status} is its exit code. */
    public static final int CLD_EXITED = 1;
    /** {@code CLD_KILLED}: the child was killed by a signal; {@link #status} is the signal. */
    public static final int CLD_KILLED = 2;
    /** {@code CLD_DUMPED}: the child was killed by a signal and dumped core; {@link #status} is the signal. */
    public static final int CLD_DUMPED = 3;

    private static final long SIGNO = LAYOUT.byteOffset(groupElement("si_signo"));
    private static final long CODE = LAYOUT.byteOffset(groupElement("si_code"));
    private static final long PID = LAYOUT.byteOffset(groupElement("si_pid"));
    private static final long UID = LAYOUT.byteOffset(groupElement("si_uid"));
    private static final long STATUS = LAYOUT.byteOffset(groupElement("si_status"));

    /**
     * Allocates a zeroed {@code siginfo_t}.
     *
     * @param allocator where it is allocated (it shares its lifetime)
     * @return a {@link #BYTES}-byte segment
     */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }

    /**
     * Reads {@code si_signo}.
     *
     * @param info a {@code siginfo_t} waitid filled
     * @return the signal number: {@code SIGCHLD} (17) for a waitid report
     */
    public static int signo(MemorySegment info) {
        return info.get(JAVA_INT, SIGNO);
    }

    /**
     * Reads {@code si_code}.
     *
     * @param info a {@code siginfo_t} waitid filled
     * @return what happened to the child: {@link #CLD_EXITED}, {@link #CLD_KILLED}, …
     */
    public static int code(MemorySegment info) {
        return info.get(JAVA_INT, CODE);
    }

    /**
     * Reads {@code si_pid}.
     *
     * @param info a {@code siginfo_t} waitid filled
     * @return the child's pid (0 after WNOHANG when no child changed state)
     */
    public static int pid(MemorySegment info) {
        return info.get(JAVA_INT, PID);
    }

    /**
     * Reads {@code si_uid}.
     *
     * @param info a {@code siginfo_t} waitid filled
     * @return the child's real user id
     */
    public static int uid(MemorySegment info) {
        return info.get(JAVA_INT, UID);
    }

    /**
     * Reads {@code si_status}.
     *
     * @param info a {@code siginfo_t} waitid filled
     * @return the exit status (with {@link #CLD_EXITED}) or the signal number
     */
    public static int status(MemorySegment info) {
        return info.get(JAVA_INT, STATUS);
    }
}
