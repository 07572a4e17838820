package io.uring4j.tools.bench.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a child process to completion with a time bound, keeping its output. */
public final class ChildProcess {
    private ChildProcess() {}

    /** What a finished child left: its exit code and all it wrote to stdout and stderr. */
    public record Output(int exitCode, String stdout, String stderr) {
        /** The last lines of stderr, for error messages. */
        public String stderrTail() {
            String[] lines = stderr.strip().split("\n");
            int from = Math.max(0, lines.length - 8);
            return String.join("\n", List.of(lines).subList(from, lines.length));
        }
    }

    /**
     * Runs {@code command} and waits at most {@code timeoutSeconds}; on timeout the child (which
     * this method started, and only it) is killed and an exception says so. Output goes through
     * temporary files so that a chatty child cannot block on a full pipe.
     */
    public static Output run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("uring4j-bench-", ".out");
        Path err = Files.createTempFile("uring4j-bench-", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IOException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            return new Output(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * The command line of a JVM of this JDK that runs {@code main} with this JVM's class path,
     * {@code jvmFlags} and {@code args} (without a taskset prefix).
     */
    public static List<String> java(List<String> jvmFlags, Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        return cmd;
    }

    /** Whether an executable of this name is on the PATH. */
    public static boolean onPath(String name) {
        return onPath(name, System.getenv("PATH"));
    }

    /** Whether an executable of this name is in one of the directories of {@code path} (a PATH value, or null). */
    static boolean onPath(String name, String path) {
        if (path == null) return false;
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return true;
        }
        return false;
    }
}
