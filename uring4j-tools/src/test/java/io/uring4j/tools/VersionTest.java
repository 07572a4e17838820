package io.uring4j.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14 item 6, point 1: {@code uring4j --version} prints the version of the build, the one in
 * the POM (surefire passes it as {@code uring4j.pomVersion}), from the command and from each
 * subcommand, and exits 0.
 */
@Timeout(30)
class VersionTest {
    private static String pomVersion() {
        String v = System.getProperty("uring4j.pomVersion");
        assertNotNull(v, "surefire passes the POM's version as -During4j.pomVersion (uring4j-tools/pom.xml)");
        return v;
    }

    private static String versionOutput(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute(args), String.join(" ", args) + " exit status; stderr: " + err);
        assertEquals("", err.toString(), "nothing on stderr");
        return out.toString();
    }

    @Test
    void versionIsThePomVersion() {
        assertEquals("uring4j " + pomVersion() + System.lineSeparator(), versionOutput("--version"));
        assertEquals(versionOutput("--version"), versionOutput("-V"));
    }

    @Test
    void everySubcommandPrintsTheSameVersion() {
        String expected = "uring4j " + pomVersion() + System.lineSeparator();
        for (String sub : Main.commandLine().getSubcommands().keySet()) {
            assertEquals(expected, versionOutput(sub, "--version"), sub + " --version");
        }
    }

    @Test
    void theResourceIsFilteredNotLiteral() {
        assertEquals(pomVersion(), BuildVersion.version());
        assertFalse(BuildVersion.version().contains("${"), BuildVersion.version());
    }
}
