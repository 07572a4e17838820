package io.uring4j.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs a {@code main} of this test class path in a fresh JVM, optionally under a launcher such as
 * {@code prlimit}, and returns its exit code and output (stdout and stderr merged). Bounded: a
 * child still running after 60 s is killed and fails the test.
 */
record ChildJvm(int exitCode, String output) {

    static ChildJvm run(List<String> launcher, List<String> jvmArgs, Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, "child " + cmd + " did not end within 60 s; output so far:\n" + out);
        return new ChildJvm(p.exitValue(), out);
    }

    /** The absolute path of {@code tool} on the PATH, or null. */
    static String onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }
}
