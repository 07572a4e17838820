package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9, item 10: an event loop group created in a JVM that denies uring4j native access says
 * what is missing and how to grant it (it said "event loop 0 could not start: null"). JDK 25 only
 * warns about restricted calls by default; {@code --illegal-native-access=deny} makes the access
 * really missing in the child.
 */
@Timeout(120)
class NativeAccessTest {

    @Test
    void withoutNativeAccessTheGroupNamesTheMissingFlag() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--illegal-native-access=deny", "-cp", System.getProperty("java.class.path"), NoNativeAccessChild.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, "child did not end within 60 s: " + out);
        assertEquals(0, p.exitValue(), out);
        String message = out.lines().filter(l -> l.startsWith("message=")).findFirst().orElse(out);
        assertTrue(message.startsWith("message=event loop ") && message.contains("could not start: "), message);
        assertFalse(message.endsWith(": null"), message);
        assertTrue(message.contains("native access") && message.contains("--enable-native-access=ALL-UNNAMED")
                && message.contains("--enable-native-access=io.uring4j.core") && message.contains("Enable-Native-Access"), message);
    }

    /** Creates a group in a JVM started with --illegal-native-access=deny and prints the failure. */
    static final class NoNativeAccessChild {
        public static void main(String[] args) {
            try (EventLoopGroup group = EventLoopGroup.create(1)) {
                System.out.println("message=created " + group.loops().size() + " loop(s): native access was not denied");
            } catch (RuntimeException e) {
                System.out.println("message=" + e.getMessage());
            }
        }
    }
}
