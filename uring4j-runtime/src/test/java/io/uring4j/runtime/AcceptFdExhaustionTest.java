package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 9 item 7: out of fds, the server's multishot accept fails with EMFILE. It used to be
 * re-armed at once, failing at once, in a loop that burnt a core (970 ms of CPU per second),
 * while waiting accepts only timed out. Now waiting accepts fail with an IOException naming
 * EMFILE, re-arming backs off, and once fds are free the waiting connection is accepted.
 *
 * <p>Runs in a child JVM ({@link AcceptFdExhaustionChild}) under {@code prlimit --nofile=256}, so
 * exhausting fds cannot disturb this JVM.
 */
@Timeout(60)
class AcceptFdExhaustionTest {
    /** CPU the child may use in the second it spends out of fds (the JVM's own threads included). */
    private static final long CPU_BUDGET_MS = 100;

    @Test
    void outOfFdsAcceptsFailNamingEmfileBackOffAndRecover() throws Exception {
        assumeTrue(new File("/usr/bin/prlimit").canExecute() || new File("/bin/prlimit").canExecute(),
                "prlimit (util-linux) is needed to run the child with a low fd limit");
        List<String> cmd = new ArrayList<>(List.of("prlimit", "--nofile=256:256",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:-UsePerfData", "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), AcceptFdExhaustionChild.class.getName(), clockTicks()));
        Path err = Files.createTempFile("uring4j-fd-child-", ".err");
        Process child = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        // a stuck child is killed, which ends the reads below (blocking reads ignore interrupts)
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                if (!child.waitFor(50, TimeUnit.SECONDS)) child.destroyForcibly();
            } catch (InterruptedException e) {
                child.destroyForcibly();
            }
        });
        Map<String, String> report = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
            int port = Integer.parseInt(next(out, "PORT", report, err));
            next(out, "EXHAUSTED", report, err);
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000); // waits in the backlog
                client.getOutputStream().write(42);
                in.write("CONNECTED\n");
                in.flush();
                String accept = next(out, "ACCEPT_FAILED", report, err);
                assertTrue(accept.contains("java.io.IOException") && accept.contains("EMFILE"),
                        "a waiting accept fails with an IOException naming EMFILE: " + accept);
                long ms = Long.parseLong(accept.substring(0, accept.indexOf(' ')));
                assertTrue(ms < 2000, "it fails soon, not after its 5 s timeout: " + accept);
                long cpuMs = Long.parseLong(next(out, "CPU_MS", report, err));
                assertTrue(cpuMs < CPU_BUDGET_MS, "CPU used in 1 s out of fds: " + cpuMs + " ms (a spinning re-arm takes ~1000)");
                String after = next(out, "ACCEPTED_AFTER", report, err);
                assertTrue(after.endsWith(" 42"), "the connection that waited is accepted once fds are free, and talks: " + after);
                assertEquals(7, client.getInputStream().read(), "the child wrote back through the accepted connection");
                in.write("DONE\n");
                in.flush();
            }
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the child exits");
            assertEquals(0, child.exitValue(), "child exit status; stderr: " + Files.readString(err));
            System.out.println("AcceptFdExhaustionTest: " + report);
        } finally {
            child.destroyForcibly();
            watchdog.interrupt();
            Files.deleteIfExists(err);
        }
    }

    /** USER_HZ, the unit of the CPU times in /proc/self/stat. */
    private static String clockTicks() throws Exception {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
        String hz = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertEquals(0, p.waitFor(), "getconf CLK_TCK");
        return hz;
    }

    /** The value of the child's next line, which must start with {@code key}. */
    private static String next(BufferedReader out, String key, Map<String, String> report, Path err) throws Exception {
        String line = out.readLine();
        if (line == null || !line.startsWith(key + " ")) {
            fail("expected " + key + " from the child, got " + line + "; so far " + report + "; stderr: " + Files.readString(err));
        }
        String value = line.substring(key.length() + 1);
        report.put(key, value);
        return value;
    }
}
