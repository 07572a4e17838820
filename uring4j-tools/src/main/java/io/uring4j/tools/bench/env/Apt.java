package io.uring4j.tools.bench.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Installs a missing peer with apt-get, as root only (a fresh CI machine is root and reaches
 * Debian's packages); says why not otherwise. Never used by unit tests.
 */
final class Apt {
    private static final long TIMEOUT_SECONDS = 600;

    private Apt() {}

    /** Unit tests set this property: they never install anything. */
    static final String NO_INSTALL = "uring4j.bench.noInstall";

    static boolean installsDisabled() {
        return Boolean.getBoolean(NO_INSTALL);
    }

    /** Whether this process runs as root (its effective uid is 0). */
    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    return f.length > 1 && f[1].equals("0"); // the effective uid
                }
            }
        } catch (IOException e) {
            // not Linux-like; treat as unprivileged
        }
        return false;
    }

    /**
     * Null when {@code present} holds, after installing {@code pkg} if it did not; else why not:
     * {@code missing} with the reason the install was not done or failed, or {@code stillMissing}
     * when apt-get succeeded but {@code present} still does not hold.
     */
    static String provide(String pkg, BooleanSupplier present, String missing, String stillMissing) {
        if (present.getAsBoolean()) return null;
        String failure = install(pkg, missing);
        if (failure != null) return failure;
        return present.getAsBoolean() ? null : stillMissing;
    }

    /**
     * Runs {@code apt-get install -y PACKAGE} (after {@code apt-get update} if the first attempt
     * fails); null on success, else why it could not.
     */
    private static String install(String pkg, String why) {
        if (installsDisabled()) return why + " (installing is disabled by -D" + NO_INSTALL + ")";
        if (!isRoot()) return why + " and installing it needs root: run apt-get install " + pkg;
        if (!ChildProcess.onPath("apt-get")) return why + " and there is no apt-get to install it";
        System.err.println("\nbench: " + why + "; installing it with apt-get install -y " + pkg + " ...");
        try {
            String failure = aptGet("install", "-y", pkg);
            if (failure != null) {
                aptGet("update");
                failure = aptGet("install", "-y", pkg);
            }
            return failure == null ? null : why + "; " + failure;
        } catch (IOException e) {
            return why + "; apt-get install " + pkg + " failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return why + "; apt-get install " + pkg + " was interrupted";
        }
    }

    private static String aptGet(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get"));
        cmd.addAll(List.of(args));
        ChildProcess.Output o = ChildProcess.run(cmd, TIMEOUT_SECONDS);
        return o.exitCode() == 0 ? null
                : "'apt-get " + String.join(" ", args) + "' exited with " + o.exitCode() + ": " + o.stderrTail();
    }
}
