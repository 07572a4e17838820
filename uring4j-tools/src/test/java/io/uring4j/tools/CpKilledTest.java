package io.uring4j.tools;

import io.uring4j.core.IoUring;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code uring4j} as a process of its own: {@code cp} killed with SIGKILL midway never leaves a
 * destination that looks complete (the copy goes to {@code .NAME.RANDOM.uring4j-part} and is
 * renamed only once complete), and failures reach the exit status and stderr through
 * {@code main}.
 */
@Timeout(120)
class CpKilledTest {
    @BeforeAll
    static void ioUring() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
    }

    static ProcessBuilder uring4j(Path log, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    /** The temporary file of a copy to {@code target}, if there is one. */
    static Optional<Path> temporary(Path target) throws Exception {
        String prefix = "." + target.getFileName() + ".";
        try (Stream<Path> s = Files.list(target.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".uring4j-part"))
                    .findFirst();
        }
    }

    /** Waits (at most 30 s) until {@code done} holds or {@code p} has exited; true if {@code done} holds. */
    static boolean await(Process p, Predicate<Void> done) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (done.test(null)) return true;
            if (!p.isAlive()) return done.test(null);
            Thread.sleep(2);
        }
        return false;
    }

    /** A FIFO source never ends until its writer closes it: the kill surely comes midway. */
    @Test
    void aCopyKilledMidwayLeavesNoDestination(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Path target = dir.resolve("t");
        byte[] data = new byte[1 << 20];
        new Random(1).nextBytes(data);
        CountDownLatch release = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) { // opens once cp opened the FIFO
                out.write(data);
                out.flush();
                release.await(); // held open: the copy has not reached end of file
            } catch (Exception ignored) {
                // the reader was killed
            }
        });
        Process cp = uring4j(dir.resolve("log"), "cp", fifo.toString(), target.toString()).start();
        try {
            assertTrue(await(cp, x -> {
                try {
                    Optional<Path> t = temporary(target);
                    return t.isPresent() && Files.size(t.get()) == data.length;
                } catch (Exception e) {
                    return false;
                }
            }), "the copy wrote the first MiB into its temporary file; log: " + log(dir));
            cp.destroyForcibly(); // SIGKILL
            assertTrue(cp.waitFor(10, TimeUnit.SECONDS));
        } finally {
            cp.destroyForcibly();
            release.countDown();
        }
        assertFalse(Files.exists(target), "a killed copy leaves no destination");
        assertTrue(temporary(target).isPresent(), "its temporary file stays behind under its own name");
        writer.join(5000);
    }

    /** Small sequential chunks of a regular file: killed at whatever point, the destination is absent or complete. */
    @Test
    void aKilledCopyOfARegularFileLeavesNothingOrEverything(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src");
        byte[] data = new byte[64 << 20];
        new Random(2).nextBytes(data);
        Files.write(src, data);
        Path target = dir.resolve("t");
        Files.writeString(target, "the old content");
        Process cp = uring4j(dir.resolve("log"), "cp", "--chunk", "4096", "--depth", "1", src.toString(), target.toString()).start();
        boolean midway;
        try {
            midway = await(cp, x -> {
                try {
                    Optional<Path> t = temporary(target);
                    return t.isPresent() && Files.size(t.get()) > 0;
                } catch (Exception e) {
                    return false;
                }
            });
            cp.destroyForcibly();
            assertTrue(cp.waitFor(10, TimeUnit.SECONDS));
        } finally {
            cp.destroyForcibly();
        }
        String content = Files.size(target) == data.length ? null : Files.readString(target);
        if (content != null) {
            assertEquals("the old content", content, "killed midway: the destination keeps its old content");
            assertTrue(midway, "the kill came midway");
        } else {
            assertEquals(-1, Files.mismatch(src, target), "a destination of the full size is a complete copy");
        }
    }

    @Test
    void mainReportsFailuresInOneLineAndTheExitStatus(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log");
        Process echo = uring4j(log, "echo-server", "--loops", "1", "--port", "70000").start();
        assertTrue(echo.waitFor(30, TimeUnit.SECONDS));
        assertEquals(CliErrors.USAGE, echo.exitValue(), "a port out of range is a usage error: " + log(dir));
        List<String> lines = Files.readAllLines(log);
        assertEquals(1, lines.size(), log(dir));
        assertTrue(lines.getFirst().startsWith("uring4j echo-server: ") && lines.getFirst().contains("70000"), lines.getFirst());

        Process cp = uring4j(log, "cp", dir.resolve("absent").toString(), dir.resolve("t").toString()).start();
        assertTrue(cp.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, cp.exitValue(), log(dir));
        lines = Files.readAllLines(log);
        assertEquals(1, lines.size(), log(dir));
        assertTrue(lines.getFirst().startsWith("uring4j cp: ") && lines.getFirst().contains("absent"), lines.getFirst());
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("log"));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
