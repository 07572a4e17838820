package io.uring4j.tools;

import io.uring4j.core.IoUring;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 9 item 10 (last bullet), item 3 for the CLI and issue 14 item 6 point 4, in-process: a
 * failing subcommand says so in one line on standard error ({@code uring4j cp: ...}), exit status
 * 1; a usage error is one line too, exit status 2; never a stack trace unless {@code --debug} or
 * URING4J_DEBUG asks; {@code --verbose} adds the causes. {@code cp} replaces an existing
 * destination but never the source.
 */
@Timeout(60)
class CliErrorsTest {
    @BeforeAll
    static void ioUring() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
    }

    /** What a run printed on standard error, and its exit status. */
    record Run(int status, String err) {
        List<String> lines() {
            return err.lines().toList();
        }

        /** Exit status 1 and exactly one line, from {@code command}, that contains every one of {@code words}. */
        void failedWithOneLine(String command, String... words) {
            oneLine(1, command, words);
        }

        /** As {@link #failedWithOneLine}, for a usage error: exit status 2, and the line says where the help is. */
        void usageErrorInOneLine(String command, String... words) {
            oneLine(2, command, words);
            assertTrue(lines().getFirst().endsWith("(see 'uring4j " + command + " --help')"), err);
        }

        private void oneLine(int expectedStatus, String command, String... words) {
            assertEquals(expectedStatus, status, "exit status; stderr: " + err);
            assertNoStackTrace();
            assertEquals(1, lines().size(), "one line: " + err);
            String line = lines().getFirst();
            assertTrue(line.startsWith("uring4j " + command + ": "), line);
            for (String w : words) assertTrue(line.contains(w), "'" + w + "' in: " + line);
        }

        void assertNoStackTrace() {
            assertFalse(err.contains("\tat ") || err.contains("Exception in thread") || err.contains("Caused by:"),
                    "no stack trace: " + err);
        }
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int status = cl.execute(args);
        return new Run(status, err.toString());
    }

    @Test
    void cpReportsAMissingSourceLikeCat(@TempDir Path dir) {
        String missing = dir.resolve("absent").toString();
        Run cp = run("cp", missing, dir.resolve("t").toString());
        cp.failedWithOneLine("cp", missing, "No such file");
        Run cat = run("cat", missing);
        cat.failedWithOneLine("cat", missing, "No such file");
        assertEquals(cp.lines().getFirst().substring("uring4j cp: ".length()),
                cat.lines().getFirst().substring("uring4j cat: ".length()), "the same words");
        assertFalse(Files.exists(dir.resolve("t")));
    }

    @Test
    void cpRefusesTheSameFileThroughAnyName(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "precious");
        Path hard = Files.createLink(dir.resolve("hard"), f);
        Path soft = Files.createSymbolicLink(dir.resolve("soft"), f);
        for (Path other : List.of(f, hard, soft, dir)) {
            Run r = run("cp", f.toString(), other.toString());
            String named = other.equals(dir) ? dir.resolve("f").toString() : other.toString();
            r.failedWithOneLine("cp", "'" + f + "' and '" + named + "' are the same file");
            assertEquals("precious", Files.readString(f), "the source survives cp onto " + other);
        }
    }

    @Test
    void cpReplacesADestinationUnlessNoClobber(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "new");
        Path t = Files.writeString(dir.resolve("t"), "old");
        Run kept = run("cp", "--no-clobber", f.toString(), t.toString());
        kept.failedWithOneLine("cp", t.toString(), "exists");
        assertEquals("old", Files.readString(t));
        assertEquals(0, run("cp", f.toString(), t.toString()).status());
        assertEquals("new", Files.readString(t));
        Path other = Files.writeString(dir.resolve("other"), "other");
        Path link = Files.createSymbolicLink(dir.resolve("link"), other);
        assertEquals(0, run("cp", f.toString(), link.toString()).status());
        assertTrue(Files.isSymbolicLink(link), "as cp: the link stays and the file it names gets the copy");
        assertEquals("new", Files.readString(other));
        Path into = Files.createDirectory(dir.resolve("into"));
        assertEquals(0, run("cp", f.toString(), into.toString()).status());
        assertEquals("new", Files.readString(into.resolve("f")));
    }

    @Test
    void cpCopiesProcFilesWhoseSizeIsZero(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("version");
        Run r = run("cp", "/proc/version", t.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(Files.readString(Path.of("/proc/version")), Files.readString(t));
    }

    @Test
    void cpBadInputIsOneLine(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        String t = dir.resolve("t").toString();
        run("cp", dir.toString(), t).failedWithOneLine("cp", "directory");
        run("cp", f.toString(), "/sys/uring4j-unwritable").failedWithOneLine("cp", "/sys/uring4j-unwritable", "cannot create a file in /sys");
        run("cp", f.toString(), "/proc/version").failedWithOneLine("cp", "/proc/version", "cannot create a file in /proc");
        run("cp", f.toString(), dir.resolve("no/such/dir/t").toString()).failedWithOneLine("cp", "does not exist");
        run("cp", "--chunk", "5", f.toString(), t).usageErrorInOneLine("cp", "--chunk", "given 5");
        run("cp", "--depth", "0", f.toString(), t).usageErrorInOneLine("cp", "--depth", "given 0");
        run("cp", "--timeout", "-1", f.toString(), t).usageErrorInOneLine("cp", "--timeout", "-1");
        run("cp", "--timeout", "0.2", "/dev/zero", t).failedWithOneLine("cp", "did not complete within PT0.2S");
        run("cp", "--chunk", "lots", f.toString(), t).usageErrorInOneLine("cp", "--chunk", "'lots' is not an int");
        run("cp", f.toString()).usageErrorInOneLine("cp", "missing required parameter: 'DEST'");
        assertEquals(List.of("f"), Files.list(dir).map(p -> p.getFileName().toString()).toList(), "nothing left behind");
    }

    @Test
    void verboseAddsTheCauses(@TempDir Path dir) {
        for (String[] args : List.of(new String[] {"cp", "--verbose", "--timeout", "0.2", "/dev/zero", dir.resolve("t").toString()},
                new String[] {"--verbose", "cp", "--timeout", "0.2", "/dev/zero", dir.resolve("t").toString()})) {
            Run r = run(args);
            assertEquals(1, r.status(), r.err());
            r.assertNoStackTrace();
            assertEquals(2, r.lines().size(), r.err());
            assertEquals("uring4j cp: copy did not complete within PT0.2S", r.lines().get(0));
            assertEquals("  caused by java.io.IOException: copy did not complete within PT0.2S", r.lines().get(1));
        }
    }

    @Test
    void catBadInputIsOneLinePerFile(@TempDir Path dir) throws Exception {
        run("cat", dir.toString()).failedWithOneLine("cat", dir.toString(), "EISDIR");
        Run two = run("cat", dir.resolve("a").toString(), dir.resolve("b").toString());
        assertEquals(1, two.status());
        two.assertNoStackTrace();
        assertEquals(2, two.lines().size(), two.err());
    }

    @Test
    void probeAndBenchBadInputIsNoStackTrace() {
        run("probe", "--no-such-option").usageErrorInOneLine("probe", "unknown option: '--no-such-option'");
        run("probe", "--jsn").usageErrorInOneLine("probe", "'--jsn'", "did you mean --json?");
        run("bench", "nop", "--reps", "many").usageErrorInOneLine("bench", "--reps", "'many' is not an int");
        run("bench", "no-such-workload").usageErrorInOneLine("bench", "unknown workload 'no-such-workload'", "known: nop");
        // --profile makes the output directory before anything runs: an unwritable one fails at once.
        run("bench", "nop", "--tiny", "--profile", "--out", "/sys/uring4j-unwritable").failedWithOneLine("bench", "/sys/uring4j-unwritable");
    }

    /** Issue 14 item 6, point 4: a destination in a directory that is not there, named with or without a trailing slash. */
    @Test
    void cpIntoAMissingDirectoryIsOneLineNamingIt(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        Path missing = dir.resolve("missing");
        run("cp", f.toString(), missing + "/t").failedWithOneLine("cp", missing + "/t", "its directory " + missing + " does not exist");
        // "DIR/" says DEST is a directory: as cp, no file named DIR is created in its place.
        run("cp", f.toString(), missing + "/").failedWithOneLine("cp", missing + "/: no such directory");
        run("cp", f.toString(), f + "/").failedWithOneLine("cp", f + "/: not a directory");
        assertFalse(Files.exists(missing));
        assertEquals("x", Files.readString(f));
    }

    /** Point 4 for echo-server: a bad value is a usage error in one line; a port in use is a failure in one line. */
    @Test
    void echoServerBadInputIsOneLine() throws Exception {
        run("echo-server", "--port", "seven").usageErrorInOneLine("echo-server", "--port", "'seven' is not an int");
        run("echo-server", "--port", "70000").usageErrorInOneLine("echo-server", "--port", "given 70000");
        run("echo-server", "--loops", "-1").usageErrorInOneLine("echo-server", "--loops", "given -1");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());
            run("echo-server", "--port", port, "--loops", "1").failedWithOneLine("echo-server", port, "in use");
        }
    }

    /** Point 4: the stack trace is there only when asked for, with --debug (here) or URING4J_DEBUG (in a child JVM). */
    @Test
    void debugAddsTheStackTrace(@TempDir Path dir) throws Exception {
        String missing = dir.resolve("absent").toString();
        for (String[] args : List.of(new String[] {"--debug", "cat", missing}, new String[] {"cat", "--debug", missing})) {
            Run r = run(args);
            assertEquals(1, r.status(), r.err());
            assertTrue(r.lines().getFirst().startsWith("uring4j cat: " + missing + ": "), r.err());
            assertTrue(r.err().contains("\tat io.uring4j.tools.CatCommand.call"), "the stack trace: " + r.err());
        }
        Run usage = run("--debug", "probe", "--no-such-option");
        assertEquals(2, usage.status(), usage.err());
        assertTrue(usage.err().contains("\tat picocli."), usage.err());

        io.uring4j.testing.ChildJvm.Result child = io.uring4j.testing.ChildJvm.main(Main.class, "cat", missing)
                .env(CliErrors.DEBUG_ENV, "1").run();
        assertEquals(1, child.exitCode(), child.describe());
        assertTrue(child.stderr().startsWith("uring4j cat: " + missing + ": "), child.describe());
        assertTrue(child.stderr().contains("\tat io.uring4j.tools.CatCommand.call"), child.describe());
    }
}
