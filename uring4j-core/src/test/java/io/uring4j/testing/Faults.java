package io.uring4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The wrappers {@link ChildJvm#under} puts in front of a child to inject a fault: a resource
 * limit ({@code prlimit}), no CAP_IPC_LOCK ({@code setpriv}), or a seccomp filter that fails
 * chosen system calls ({@code seccomp-run}, the project's own launcher: {@code src/test/c/seccomp-run.c}
 * of uring4j-core, compiled with gcc into {@code target/fault-tools/} the first time a test needs
 * it). A test whose tool is missing is skipped with the reason (a JUnit assumption).
 */
public final class Faults {
    private Faults() {}

    private static final int CAP_IPC_LOCK = 14;

    /** {@code prlimit --nofile=64:64 ...}: each argument one prlimit(1) option. */
    public static List<String> prlimit(String... limits) {
        String prlimit = onPath("prlimit");
        assumeTrue(prlimit != null, "prlimit(1) is not installed (util-linux)");
        List<String> cmd = new ArrayList<>(List.of(prlimit));
        cmd.addAll(List.of(limits));
        cmd.add("--");
        return cmd;
    }

    /**
     * Drops CAP_IPC_LOCK for the child when this process has it (so RLIMIT_MEMLOCK applies to
     * the child), nothing when it has not.
     */
    public static List<String> withoutIpcLock() {
        if (!hasIpcLock()) return List.of();
        String setpriv = onPath("setpriv");
        assumeTrue(setpriv != null, "this process has CAP_IPC_LOCK and setpriv(1), needed to drop it in the child, is missing");
        return List.of(setpriv, "--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock", "--");
    }

    /** Whether CAP_IPC_LOCK is in this process's effective set. */
    public static boolean hasIpcLock() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << CAP_IPC_LOCK)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: assume not
        }
        return false;
    }

    /**
     * {@code seccomp-run SYSCALL ERRNO ... --}: the child's {@code SYSCALL}s fail with
     * {@code ERRNO} (names such as {@code io_uring_enter}, {@code EPERM}). Skips the test when the
     * launcher cannot be built or cannot install a filter here.
     */
    public static List<String> seccomp(String... syscallErrnoPairs) {
        if (syscallErrnoPairs.length == 0 || syscallErrnoPairs.length % 2 != 0) {
            throw new IllegalArgumentException("syscall/errno pairs expected, given " + Arrays.toString(syscallErrnoPairs));
        }
        Launcher l = launcher();
        assumeTrue(l.path != null, () -> "the seccomp launcher is not usable: " + l.whyNot);
        List<String> cmd = new ArrayList<>(List.of(l.path.toString()));
        cmd.addAll(List.of(syscallErrnoPairs));
        cmd.add("--");
        return cmd;
    }

    private record Launcher(Path path, String whyNot) {}

    private static Launcher launcher;

    private static synchronized Launcher launcher() {
        if (launcher == null) {
            try {
                launcher = new Launcher(buildLauncher(), null);
            } catch (IOException e) {
                launcher = new Launcher(null, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Launcher(null, "interrupted while building it");
            }
        }
        return launcher;
    }

    /**
     * Compiles seccomp-run.c (from the class path, so it also works from core's test jar) into
     * {@code target/fault-tools/} unless a binary of the same source is there, then checks that
     * it can install a filter.
     */
    private static Path buildLauncher() throws IOException, InterruptedException {
        if (onPath("gcc") == null) throw new IOException("gcc is not installed (apt-get install gcc)");
        byte[] source;
        try (InputStream in = Faults.class.getResourceAsStream("seccomp-run.c")) {
            if (in == null) throw new IOException("seccomp-run.c is not on the test class path next to " + Faults.class.getName());
            source = in.readAllBytes();
        }
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "fault-tools");
        Files.createDirectories(dir);
        Path src = dir.resolve("seccomp-run.c");
        Path bin = dir.resolve("seccomp-run");
        if (!(Files.isExecutable(bin) && Files.exists(src) && Arrays.equals(Files.readAllBytes(src), source))) {
            Files.write(src, source);
            Path tmp = dir.resolve("seccomp-run.tmp" + ProcessHandle.current().pid());
            String out = run(List.of("gcc", "-O2", "-Wall", "-o", tmp.toString(), src.toString()));
            if (out != null) throw new IOException("gcc could not build " + src + " (kernel headers missing? apt-get install linux-libc-dev): " + out);
            Files.move(tmp, bin, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        String out = run(List.of(bin.toString(), "io_uring_register", "EPERM", "--", "true"));
        if (out != null) throw new IOException("seccomp filters cannot be installed here: " + out);
        return bin;
    }

    /** Runs {@code cmd}; null when it exits 0, else its exit code and output. */
    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", cmd) + " did not end within 60 s";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }

    /** The absolute path of {@code tool} on the PATH, or null. */
    public static String onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }
}
