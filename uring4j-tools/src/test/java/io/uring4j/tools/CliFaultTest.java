package io.uring4j.tools;

import io.uring4j.testing.ChildJvm;
import io.uring4j.testing.Faults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 10, item 3, the CLI: {@code uring4j probe}, {@code cat} and {@code cp} run (the real
 * {@link Main}, in a child JVM) where io_uring is blocked by seccomp or the locked-memory limit is
 * 0 without CAP_IPC_LOCK. Each exits 1 and says why in one line: probe on stdout ("io_uring: NOT
 * available: ..."), cat and cp on stderr ("uring4j cat: ...", no stack trace); cp creates no
 * destination.
 */
@Timeout(60)
class CliFaultTest {
    @TempDir
    Path dir;

    @Test
    void setupBlockedBySeccomp() throws Exception {
        everyCommandFailsInOneLine(Faults.seccomp("io_uring_setup", "EPERM"), "io_uring_setup is not permitted: EPERM", "seccomp");
    }

    @Test
    void enterBlockedBySeccomp() throws Exception {
        everyCommandFailsInOneLine(Faults.seccomp("io_uring_enter", "ENOSYS"), "io_uring_enter failed with ENOSYS", "seccomp");
    }

    @Test
    void noLockedMemoryWithoutIpcLock() throws Exception {
        List<String> wrapper = new ArrayList<>(Faults.prlimit("--memlock=0"));
        wrapper.addAll(Faults.withoutIpcLock());
        ChildJvm.Result probe = ChildJvm.main(Main.class, "probe").under(wrapper).run();
        org.junit.jupiter.api.Assumptions.assumeTrue(probe.exitCode() != 0,
                "this kernel does not charge ring memory to RLIMIT_MEMLOCK: io_uring works without locked memory");
        everyCommandFailsInOneLine(wrapper, "io_uring_setup failed: ENOMEM", "RLIMIT_MEMLOCK is 0 bytes");
    }

    /** Without a fault the failure of a command is one line too: a missing file. */
    @Test
    void aMissingFileIsOneLine() throws Exception {
        Path missing = dir.resolve("missing");
        ChildJvm.Result r = ChildJvm.main(Main.class, "cp", missing.toString(), dir.resolve("copy").toString()).run();
        assertEquals(1, r.exitCode(), r.describe());
        assertEquals(List.of("uring4j cp: " + missing + ": open: ENOENT (No such file or directory)"),
                r.stderr().lines().toList(), r.describe());
    }

    private void everyCommandFailsInOneLine(List<String> wrapper, String... cause) throws Exception {
        Path src = dir.resolve("src.txt");
        Files.writeString(src, "hello");
        Path dst = dir.resolve("dst.txt");

        ChildJvm.Result probe = ChildJvm.main(Main.class, "probe").under(wrapper).run();
        assertEquals(1, probe.exitCode(), probe.describe());
        List<String> out = probe.stdout().lines().toList();
        assertEquals(2, out.size(), "kernel and io_uring lines" + probe.describe());
        assertTrue(out.get(1).startsWith("io_uring:  NOT available: "), probe.describe());
        for (String c : cause) assertTrue(out.get(1).contains(c), "probe should say '" + c + "'" + probe.describe());
        assertEquals("", probe.stderr(), probe.describe());

        for (List<String> cmd : List.of(List.of("cat", src.toString()), List.of("cp", src.toString(), dst.toString()))) {
            ChildJvm.Result r = ChildJvm.main(Main.class, cmd.toArray(String[]::new)).under(wrapper).run();
            assertEquals(1, r.exitCode(), r.describe());
            assertEquals("", r.stdout(), r.describe());
            List<String> err = r.stderr().lines().toList();
            assertEquals(1, err.size(), "one line on stderr" + r.describe());
            assertTrue(err.getFirst().startsWith("uring4j " + cmd.getFirst() + ": event loop "), r.describe());
            for (String c : cause) assertTrue(err.getFirst().contains(c), cmd.getFirst() + " should say '" + c + "'" + r.describe());
        }
        assertFalse(Files.exists(dst), "cp created its destination although it could not copy");
    }
}
