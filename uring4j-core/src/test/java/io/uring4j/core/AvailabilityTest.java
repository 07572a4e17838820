package io.uring4j.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 9, item 10: {@link IoUring#isAvailable()} does a full setup + enter round trip, so a
 * seccomp filter that blocks only {@code io_uring_enter} makes it false, and the cause names the
 * call and its errno.
 */
@Timeout(120)
class AvailabilityTest {

    @Test
    void availableHereAfterARoundTrip() {
        assertTrue(IoUring.isAvailable(), () -> String.valueOf(IoUring.unavailabilityCause()));
        assertNull(IoUring.unavailabilityCause());
    }

    /** A child JVM blocks io_uring_enter (EPERM) with a seccomp filter, then asks. */
    @Test
    void aSeccompFilterOnEnterOnlyMakesIoUringUnavailableAndIsNamed() throws Exception {
        assumeTrue(seccompSyscall() > 0, "no seccomp syscall number for " + System.getProperty("os.arch"));
        ChildJvm child = ChildJvm.run(List.of(), List.of("--enable-native-access=ALL-UNNAMED"), EnterBlockedChild.class);
        String out = child.output();
        assumeTrue(!out.contains("seccomp unavailable"), "seccomp filters cannot be installed here: " + out);
        assertEquals(0, child.exitCode(), out);
        assertTrue(out.contains("setup works=true"), "io_uring_setup is not blocked: " + out);
        assertTrue(out.contains("available=false"), out);
        String cause = out.lines().filter(l -> l.startsWith("cause=")).findFirst().orElse(out);
        assertTrue(cause.contains("io_uring_enter") && cause.contains("EPERM") && cause.contains("seccomp"), cause);
    }

    @Test
    void causesNameTheFailingCallAndErrno() {
        String enter = Availability.explain("io_uring_enter", 1, "io_uring_enter failed: EPERM (Operation not permitted)");
        assertTrue(enter.startsWith("io_uring_enter is not permitted: EPERM"), enter);
        assertTrue(enter.contains("although io_uring_setup worked"), enter);
        String setup = Availability.explain("io_uring_setup", 1, "x");
        assertTrue(setup.startsWith("io_uring_setup is not permitted: EPERM") && setup.contains("io_uring_disabled"), setup);
        assertTrue(Availability.explain("io_uring_setup", 38, "x").startsWith("the kernel has no io_uring"));
        assertTrue(Availability.explain("io_uring_enter", 38, "x").contains("a seccomp filter blocks io_uring_enter"));
        String mmap = Availability.explain("mmap", 22, "mmap failed: EINVAL (Invalid argument): SQ ring");
        assertTrue(mmap.startsWith("mmap failed: EINVAL"), mmap);
    }

    @Test
    void missingNativeAccessIsFoundThroughTheInitializerErrors() {
        var denied = new IllegalCallerException("Illegal native access from: unnamed module");
        assertTrue(Availability.nativeAccessDenied(new ExceptionInInitializerError(denied)), "first thread");
        // a later thread: the JVM's NoClassDefFoundError only describes the original exception
        var later = new NoClassDefFoundError("Could not initialize class io.uring4j.core.internal.Native");
        later.initCause(new ExceptionInInitializerError("Exception java.lang.IllegalCallerException: Illegal native access"
                + " from an unnamed module [in thread \"uring4j-loop-0\"]"));
        assertTrue(Availability.nativeAccessDenied(later), "later threads");
        assertFalse(Availability.nativeAccessDenied(new IllegalStateException("other")));
        assertFalse(Availability.nativeAccessDenied(new ExceptionInInitializerError("Exception java.lang.OutOfMemoryError")));
        assertTrue(Availability.NATIVE_ACCESS.contains("--enable-native-access=ALL-UNNAMED"));
    }

    private static int seccompSyscall() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 317;
            case "aarch64" -> 277;
            default -> -1;
        };
    }

    /**
     * Installs a seccomp filter for every thread of this JVM that fails io_uring_enter (426 on
     * every architecture) with EPERM and allows everything else, then reports what uring4j sees.
     */
    static final class EnterBlockedChild {
        private static final int IO_URING_ENTER = 426;
        private static final int PR_SET_NO_NEW_PRIVS = 38, SECCOMP_SET_MODE_FILTER = 1, SECCOMP_FILTER_FLAG_TSYNC = 1;
        private static final int SECCOMP_RET_ERRNO = 0x0005_0000, SECCOMP_RET_ALLOW = 0x7fff_0000, EPERM = 1;

        public static void main(String[] args) throws Throwable {
            Linker linker = Linker.nativeLinker();
            MethodHandle prctl = linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
            MethodHandle syscall = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(1));
            try (Arena arena = Arena.ofConfined()) {
                // struct sock_filter {u16 code; u8 jt; u8 jf; u32 k}: load nr, == enter ? ERRNO(EPERM) : ALLOW
                int[][] program = {
                        {0x20, 0, 0, 0},                                 // BPF_LD | BPF_W | BPF_ABS, seccomp_data.nr
                        {0x15, 0, 1, IO_URING_ENTER},                   // BPF_JMP | BPF_JEQ | BPF_K
                        {0x06, 0, 0, SECCOMP_RET_ERRNO | EPERM},        // BPF_RET | BPF_K
                        {0x06, 0, 0, SECCOMP_RET_ALLOW}};
                MemorySegment filter = arena.allocate(8L * program.length, 8);
                for (int i = 0; i < program.length; i++) {
                    filter.set(JAVA_SHORT, 8L * i, (short) program[i][0]);
                    filter.set(JAVA_BYTE, 8L * i + 2, (byte) program[i][1]);
                    filter.set(JAVA_BYTE, 8L * i + 3, (byte) program[i][2]);
                    filter.set(JAVA_INT, 8L * i + 4, program[i][3]);
                }
                MemorySegment fprog = arena.allocate(16, 8); // struct sock_fprog {u16 len; pointer filter}
                fprog.set(JAVA_SHORT, 0, (short) program.length);
                fprog.set(ADDRESS, 8, filter);
                int nnp = (int) prctl.invokeExact(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L);
                long r = (long) syscall.invokeExact((long) seccompSyscall(), (long) SECCOMP_SET_MODE_FILTER,
                        (long) SECCOMP_FILTER_FLAG_TSYNC, fprog);
                if (nnp != 0 || r != 0) {
                    System.out.println("seccomp unavailable: prctl " + nnp + ", seccomp " + r);
                    return;
                }
            }
            try (IoUring ring = IoUring.open(2)) {
                System.out.println("setup works=" + (ring.fd() >= 0));
            }
            System.out.println("available=" + IoUring.isAvailable());
            System.out.println("cause=" + (IoUring.unavailabilityCause() == null ? "" : IoUring.unavailabilityCause().getMessage()));
        }
    }
}
