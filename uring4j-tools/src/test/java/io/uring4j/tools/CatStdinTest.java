package io.uring4j.tools;

import io.uring4j.core.IoUring;
import io.uring4j.testing.ChildJvm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14 item 6, point 3: {@code uring4j cat -} copies standard input to standard output, as
 * cat does, also between files. The real {@link Main} in a child JVM (cat writes to fd 1), its
 * standard input given by a shell: a pipe, or a file the shell redirected and partly read.
 */
@Timeout(60)
class CatStdinTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void ioUring() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
    }

    /** {@code uring4j cat ARGS} with standard input from {@code shell}, whose "$@" is the child's command. */
    private static ChildJvm.Result cat(String shell, List<String> shellArgs, String... args) throws Exception {
        List<String> wrapper = new ArrayList<>(List.of("sh", "-c", shell, "sh"));
        wrapper.addAll(shellArgs);
        String[] all = new String[args.length + 1];
        all[0] = "cat";
        System.arraycopy(args, 0, all, 1, args.length);
        ChildJvm.Result r = ChildJvm.main(Main.class, all).under(wrapper).run();
        assertEquals("", r.stderr(), r.describe());
        assertEquals(0, r.exitCode(), r.describe());
        return r;
    }

    @Test
    void dashIsStandardInputFromAPipe() throws Exception {
        ChildJvm.Result r = cat("printf 'from a pipe\\n' | \"$@\"", List.of(), "-");
        assertEquals("from a pipe\n", r.stdout(), r.describe());
    }

    @Test
    void filesAndStandardInputComeOutInOrder() throws Exception {
        Path a = Files.writeString(dir.resolve("a"), "first\n");
        Path b = Files.writeString(dir.resolve("b"), "third\n");
        ChildJvm.Result r = cat("printf 'second\\n' | \"$@\"", List.of(), a.toString(), "-", b.toString(), "-");
        assertEquals("first\nsecond\nthird\n", r.stdout(), "the second - finds the input at its end" + r.describe());
    }

    @Test
    void aLongPipeIsCopiedWhole() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 1_500_000; i++) sb.append("line ").append(i).append('\n'); // several reads of 256 KiB
        Path big = Files.writeString(dir.resolve("big"), sb);
        ChildJvm.Result r = cat("f=$1; shift; cat -- \"$f\" | \"$@\"", List.of(big.toString()), "-");
        assertEquals(sb.length(), r.stdout().length(), "bytes out");
        assertEquals(sb.toString(), r.stdout());
    }

    @Test
    void aRedirectedFileIsReadFromWhereItStands() throws Exception {
        Path in = Files.writeString(dir.resolve("in"), "skipped|kept\n");
        // dd takes exactly the first 8 bytes off the shared file offset; cat - goes on from there.
        ChildJvm.Result r = cat("f=$1; shift; { dd bs=8 count=1 of=/dev/null 2>/dev/null; \"$@\"; } < \"$f\"",
                List.of(in.toString()), "-");
        assertEquals("kept\n", r.stdout(), r.describe());
    }

    @Test
    void aFileNamedDashIsReachedAsDotSlashDash() throws Exception {
        Files.writeString(dir.resolve("-"), "a file called -\n");
        ChildJvm.Result r = cat("cd \"$1\" && shift && printf 'stdin\\n' | \"$@\"", List.of(dir.toString()), "./-", "-");
        assertEquals("a file called -\nstdin\n", r.stdout(), r.describe());
    }
}
