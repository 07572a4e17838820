package io.uring4j.runtime;

import io.uring4j.testing.ChildJvm;
import io.uring4j.testing.Faults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.uring4j.runtime.FaultAssertions.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 10, item 3: file descriptors run out ({@code prlimit --nofile=128:128} on a child JVM,
 * whose free fds {@link io.uring4j.testing.FdHog} then takes). Every entry point that needs a new
 * fd throws an IOException (IoUringException, IllegalStateException for the ring ones) naming
 * EMFILE; nothing spins meanwhile; once fds are back the same group, file and addresses work
 * again, and the fd and native-byte counts are those of before.
 */
@Timeout(60)
class FdExhaustionTest {
    private static final String EMFILE = "EMFILE (Too many open files)";

    private static ChildJvm.Result child(String scenario) throws Exception {
        ChildJvm.Result r = ChildJvm.main(FdExhaustionChild.class, scenario).under(Faults.prlimit("--nofile=128:128")).run();
        assertEquals(0, r.exitCode(), r.describe());
        return r;
    }

    /** Open, copy, bind, connect, UDP, socketpair, a core ring and a new group, with no fd free. */
    @Test
    void everyEntryPointNamesEmfileAndWorksAgainOnceFdsAreBack() throws Exception {
        ChildJvm.Result r = child("entry-points");
        assertThrew(r, "r2.file.open", "java.io.IOException", "open /", EMFILE);
        assertThrew(r, "r2.file.copy", "java.io.IOException", EMFILE);
        assertThrew(r, "r2.tcp.bind", "java.io.IOException", "socket ", EMFILE);
        assertThrew(r, "r2.tcp.connect", "java.io.IOException", "socket ", EMFILE);
        assertThrew(r, "r2.udp", "java.io.IOException", "socket ", EMFILE);
        assertThrew(r, "r2.seqpacketPair", "java.io.IOException", "socketpair ", EMFILE);
        assertThrew(r, "r2.ioUring.open", "io.uring4j.core.IoUringException", "io_uring_setup failed: " + EMFILE);
        assertThrew(r, "r2.group.create", "java.lang.IllegalStateException", "could not start: ", "io_uring_setup", EMFILE);
        assertIdle(r, "exhausted");
        for (String op : new String[] {"file.read", "file.copy", "tcp", "udp"}) {
            assertEquals("ok", r.value("r2.after." + op), op + " on the same group once fds are back" + r.describe());
        }
        assertEquals(r.value("fds.before"), r.value("fds.after"), "fds leaked (now open: " + r.value("fds.list") + ")" + r.describe());
        assertEquals(r.value("native.before"), r.value("native.after"), "native bytes left after the group closed" + r.describe());
        assertEquals("", r.value("threads"));
    }

    /**
     * A transient shortage during the JVM's first availability check: the check says EMFILE
     * then, and io_uring is available once fds are back.
     */
    @Test
    void aShortageDuringTheFirstAvailabilityCheckIsNotRemembered() throws Exception {
        ChildJvm.Result r = child("availability");
        assertEquals("false", r.value("exhausted.available"));
        assertTrue(r.value("exhausted.cause").contains("io_uring_setup failed: " + EMFILE), r.value("exhausted.cause"));
        assertEquals("true", r.value("released.available"), "still unavailable after the fds came back: " + r.value("released.cause"));
        assertEquals("ok", r.value("released.group"));
    }

    /** Fds for one loop but not two: create(2) throws naming EMFILE and stops the loop that did start. */
    @Test
    void aGroupThatCannotStartEveryLoopClosesTheOnesThatStarted() throws Exception {
        ChildJvm.Result r = child("partial-group");
        assertThrew(r, "group.create2", "java.lang.IllegalStateException", "event loop ", "could not start: ", "io_uring_setup", EMFILE);
        assertNothingLeft(r);
    }

    /**
     * Under a hard fd limit below the loop's registered-file table (1024), a REGISTERED open
     * cannot create the table: it fails naming EMFILE and RLIMIT_NOFILE (or falls back to the
     * plain fd), and the fd OPENAT returned is not left open. Today the OPEN completion throws
     * from {@code loop.fixedFiles()} after the kernel opened the file, and that fd is never closed
     * (one fd more per attempt).
     */
    @Test
    void aRegisteredOpenThatCannotRegisterLeaksNoFd() throws Exception {
        ChildJvm.Result r = child("registered");
        for (int i = 1; i <= 3; i++) {
            String v = r.value("registered." + i);
            assertTrue(v.equals("ok") || (v.startsWith("io.uring4j.core.IoUringException: ") && v.contains("EMFILE")
                    && v.contains("RLIMIT_NOFILE")), v);
        }
        assertEquals(r.value("fds.before"), r.value("fds.after"), "fds leaked (now open: " + r.value("fds.list") + ")" + r.describe());
    }

    /**
     * A connection arrives while a caller waits in accept and no fd is free: the waiting accept
     * fails naming EMFILE (instead of waiting forever), the loop backs off instead of re-arming
     * the accept at once (each re-armed accept fails at once with EMFILE: a busy loop), and once
     * fds are back the next accept takes the queued connection.
     */
    @Test
    void acceptWithoutFreeFdsFailsTheWaitingAcceptAndDoesNotSpin() throws Exception {
        ChildJvm.Result r = child("accept");
        assertThrew(r, "r2.accept.waiting", "java.util.concurrent.ExecutionException", EMFILE);
        assertIdle(r, "r2.exhausted");
        assertEquals("ok", r.value("r2.accept.after"), "the queued connection once fds are back" + r.describe());
        assertEquals("ok", r.value("r2.after.tcp"));
        assertNothingLeft(r);
    }
}
