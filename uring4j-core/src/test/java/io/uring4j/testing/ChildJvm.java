package io.uring4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a {@code main} of the test class path in a fresh JVM (the same {@code java} as this one),
 * optionally under wrappers such as {@code prlimit}, {@code setpriv} or the seccomp launcher (see
 * {@link Faults}), and returns its exit code, stdout and stderr. A scenario main reports with
 * {@link ChildReport} ({@code key=value} lines); {@link Result#value} reads them back.
 *
 * <p>Bounded: a child still running after the timeout (10 s unless set) gets SIGQUIT (so its
 * threads' stacks land in the output), then is killed, and the test fails with what it printed.
 *
 * <p>The child starts lean (serial GC, C1 only, no perf data file), about 0.3 s per start, so a
 * suite can afford one child per fault. Shared by the core, runtime and tools tests through
 * core's test jar.
 */
public final class ChildJvm {
    /** What every child gets: native access for uring4j on the class path, and a quick start. */
    private static final List<String> DEFAULT_JVM_ARGS = List.of("--enable-native-access=ALL-UNNAMED",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto");

    private final String mainClass;
    private final List<String> args;
    private final List<String> wrapper = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>(DEFAULT_JVM_ARGS);
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(10);

    private ChildJvm(String mainClass, List<String> args) {
        this.mainClass = mainClass;
        this.args = List.copyOf(args);
    }

    /** A child that runs {@code main.main(args)}. */
    public static ChildJvm main(Class<?> main, String... args) {
        return new ChildJvm(main.getName(), List.of(args));
    }

    /** A child that runs the class named {@code mainClass} (for mains not visible to the caller). */
    public static ChildJvm main(String mainClass, String... args) {
        return new ChildJvm(mainClass, List.of(args));
    }

    /** Prefixes the command with {@code command} (after wrappers given earlier): each execs the next. */
    public ChildJvm under(List<String> command) {
        wrapper.addAll(command);
        return this;
    }

    /** JVM options beyond the defaults (later options win). */
    public ChildJvm jvmArgs(String... options) {
        jvmArgs.addAll(List.of(options));
        return this;
    }

    /** Replaces the default JVM options (for a child that must start without native access, say). */
    public ChildJvm onlyJvmArgs(String... options) {
        jvmArgs.clear();
        jvmArgs.addAll(List.of(options));
        return this;
    }

    /** An environment variable of the child. */
    public ChildJvm env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** How long the child may run before it is killed and the test fails. */
    public ChildJvm timeout(Duration limit) {
        timeout = limit;
        return this;
    }

    /** The whole command line, wrappers first. */
    public List<String> command() {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add(javaLauncher());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** Runs the child to its end; fails the test if it outlives the timeout. */
    public Result run() throws IOException, InterruptedException {
        List<String> cmd = command();
        Path out = Files.createTempFile("uring4j-child", ".out");
        Path err = Files.createTempFile("uring4j-child", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            long start = System.nanoTime();
            Process p = pb.start();
            p.getOutputStream().close();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (!done) {
                threadDump(p);
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            Result r = new Result(cmd, done ? p.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), elapsed);
            assertTrue(done, () -> "the child did not end within " + timeout.toMillis() + " ms (a hang): " + r.describe());
            return r;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** SIGQUIT makes a JVM print every thread's stack to its stdout; give it a moment. */
    private static void threadDump(Process p) throws InterruptedException {
        try {
            new ProcessBuilder("kill", "-QUIT", Long.toString(p.pid())).start().waitFor(2, TimeUnit.SECONDS);
            p.waitFor(1, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill(1): the output ends where it ends
        }
    }

    /** This JVM's own launcher, so the child runs on the same JDK. */
    private static String javaLauncher() {
        return ProcessHandle.current().info().command()
                .filter(c -> Path.of(c).getFileName().toString().equals("java"))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * What a child did: exit code, its two streams, and how long it took (start to end, as seen
     * from here).
     */
    public record Result(List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {

        /** stdout and stderr together. */
        public String output() {
            return stdout + stderr;
        }

        /** Everything about the run, for an assertion message. */
        public String describe() {
            return "\ncommand: " + String.join(" ", command) + "\nexit: " + exitCode + ", " + elapsed.toMillis() + " ms"
                    + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr + "---";
        }

        /** The value of the first {@code key=value} line of stdout; fails the test when there is none. */
        public String value(String key) {
            String v = values().get(key);
            if (v == null) {
                fail("the child reported no '" + key + "=': " + describe());
            }
            return v;
        }

        /** The value of {@code key} as a number. */
        public long longValue(String key) {
            return Long.parseLong(value(key));
        }

        /** Whether the child reported {@code key}. */
        public boolean has(String key) {
            return values().containsKey(key);
        }

        /** Every {@code key=value} line of stdout, first occurrence of each key. */
        public Map<String, String> values() {
            Map<String, String> map = new LinkedHashMap<>();
            for (String line : stdout.lines().toList()) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.substring(0, eq).matches("[A-Za-z0-9_.\\-]+")) {
                    map.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return map;
        }
    }
}
