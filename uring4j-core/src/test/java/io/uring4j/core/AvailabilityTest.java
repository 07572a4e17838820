package io.uring4j.core;

import io.uring4j.testing.ChildJvm;
import io.uring4j.testing.ChildReport;
import io.uring4j.testing.Faults;
import io.uring4j.testing.FdHog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

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

    /** A child JVM runs under a seccomp filter that fails io_uring_enter with EPERM, then asks. */
    @Test
    void aSeccompFilterOnEnterOnlyMakesIoUringUnavailableAndIsNamed() throws Exception {
        ChildJvm.Result child = ChildJvm.main(EnterBlockedChild.class).under(Faults.seccomp("io_uring_enter", "EPERM")).run();
        assertEquals(0, child.exitCode(), child.describe());
        assertEquals("true", child.value("setupWorks"), "io_uring_setup is not blocked");
        assertEquals("false", child.value("available"), child.describe());
        String cause = child.value("cause");
        assertTrue(cause.contains("io_uring_enter") && cause.contains("EPERM") && cause.contains("seccomp"), cause);
    }

    /**
     * io_uring_register blocked alone (gVisor answers ENOSYS, a seccomp profile EPERM): every
     * ring of the runtime and the CLI's probe need IORING_REGISTER_PROBE, so io_uring is not
     * usable and the cause says which call failed, though setup and enter work.
     */
    @Test
    void aSeccompFilterOnRegisterOnlyMakesIoUringUnavailableAndIsNamed() throws Exception {
        ChildJvm.Result child = ChildJvm.main(EnterBlockedChild.class).under(Faults.seccomp("io_uring_register", "EPERM")).run();
        assertEquals(0, child.exitCode(), child.describe());
        assertEquals("true", child.value("setupWorks"), "io_uring_setup is not blocked");
        assertEquals("false", child.value("available"), child.describe());
        String cause = child.value("cause");
        assertTrue(cause.startsWith("io_uring_register(IORING_REGISTER_PROBE) is not permitted: EPERM")
                && cause.contains("although io_uring_setup worked") && cause.contains("seccomp"), cause);
    }

    /**
     * The JVM's first use of uring4j happens while the process has no free fd: the JDK's default
     * symbol lookup then finds nothing, for good (it could not dlopen its helper library), which
     * made Native's initializer fail for the rest of the JVM (cause without a message). Now the
     * check reports EMFILE, and once fds are back io_uring is available and rings work.
     */
    @Test
    void aFirstUseWithoutFreeFdsSaysEmfileAndWorksOnceFdsAreBack() throws Exception {
        ChildJvm.Result child = ChildJvm.main(FirstUseExhaustedChild.class).under(Faults.prlimit("--nofile=64:64")).run();
        assertEquals(0, child.exitCode(), child.describe());
        assertEquals("false", child.value("exhausted.available"), child.describe());
        String cause = child.value("exhausted.cause");
        assertTrue(cause.contains("io_uring_setup failed: EMFILE (Too many open files)") && cause.contains("RLIMIT_NOFILE is 64"), cause);
        assertEquals("true", child.value("released.available"), "after the fds came back: " + child.value("released.cause"));
        assertEquals("ok", child.value("released.nop"), child.describe());
    }

    /** Asks for the first time with no fd free, then again once they are back. */
    static final class FirstUseExhaustedChild {
        public static void main(String[] args) {
            ChildReport.preloadClassesBeside(IoUring.class);
            try (FdHog hog = FdHog.exhaust(1024)) {
                ChildReport.put("exhausted.available", IoUring.isAvailable());
                ChildReport.put("exhausted.cause", String.valueOf(IoUring.unavailabilityCause()));
            }
            ChildReport.put("released.available", IoUring.isAvailable());
            ChildReport.put("released.cause", String.valueOf(IoUring.unavailabilityCause()));
            ChildReport.outcome("released.nop", () -> {
                try (IoUring ring = IoUring.open(2)) {
                    ring.getSqe().prepNop();
                    ring.submitAndWait(1);
                }
            });
        }
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
        String emfile = Availability.explain("io_uring_setup", 24, "io_uring_setup failed: EMFILE (Too many open files)");
        assertTrue(emfile.contains("no free file descriptor: RLIMIT_NOFILE is ") && !emfile.contains("unknown"), emfile);
        var init = new ExceptionInInitializerError(new java.util.NoSuchElementException("Symbol not found: syscall"));
        assertEquals("java.lang.ExceptionInInitializerError; caused by java.util.NoSuchElementException: Symbol not found: syscall",
                Availability.chain(init), "an initializer error has no message of its own");
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

    /** Reports what uring4j sees under the filter the test put in front of this JVM. */
    static final class EnterBlockedChild {
        public static void main(String[] args) {
            try (IoUring ring = IoUring.open(2)) {
                ChildReport.put("setupWorks", ring.fd() >= 0);
            }
            ChildReport.put("available", IoUring.isAvailable());
            ChildReport.put("cause", IoUring.unavailabilityCause() == null ? "" : IoUring.unavailabilityCause().getMessage());
        }
    }
}
