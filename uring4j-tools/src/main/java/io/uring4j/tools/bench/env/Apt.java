package io.uring4j.tools.bench.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * apt-get, for {@link PeerPackages} when {@code bench --install-peers} allows it: as root only (a
 * fresh CI machine is root and reaches Debian's packages); says why not otherwise. Never run by
 * unit tests.
 */
final class Apt {
    private static final long TIMEOUT_SECONDS = 600;

    private Apt() {}

    /** Unit tests set this property: they never install anything, even when a test passes --install-peers. */
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
     * Runs {@code apt-get install -y PACKAGES} (after {@code apt-get update} if the first attempt
     * fails); null on success, else why it could not, after {@code why} the packages are wanted.
     */
    static String install(List<String> packages, String why) {
        String command = PeerPackages.installCommand(packages);
        if (installsDisabled()) return why + " (installing is disabled by -D" + NO_INSTALL + "): " + command;
        if (!isRoot()) return why + " and installing needs root: run " + command + " as root";
        if (!ChildProcess.onPath("apt-get")) return why + " and there is no apt-get to install it: " + command;
        System.err.println("\nbench: " + why + "; --install-peers: " + command + " ...");
        List<String> install = new ArrayList<>(List.of("install", "-y"));
        install.addAll(packages);
        try {
            String failure = aptGet(install);
            if (failure != null) {
                aptGet(List.of("update"));
                failure = aptGet(install);
            }
            return failure == null ? null : why + "; " + failure;
        } catch (IOException e) {
            return why + "; " + command + " failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return why + "; " + command + " was interrupted";
        }
    }

    private static String aptGet(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get"));
        cmd.addAll(args);
        ChildProcess.Output o = ChildProcess.run(cmd, TIMEOUT_SECONDS);
        return o.exitCode() == 0 ? null
                : "'apt-get " + String.join(" ", args) + "' exited with " + o.exitCode() + ": " + o.stderrTail();
    }
}
