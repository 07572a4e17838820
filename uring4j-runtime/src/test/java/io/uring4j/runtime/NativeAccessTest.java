package io.uring4j.runtime;

import io.uring4j.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
        ChildJvm.Result child = ChildJvm.main(NoNativeAccessChild.class).onlyJvmArgs("--illegal-native-access=deny").run();
        assertEquals(0, child.exitCode(), child.describe());
        String message = child.value("message");
        assertTrue(message.startsWith("event loop ") && message.contains("could not start: "), message);
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
