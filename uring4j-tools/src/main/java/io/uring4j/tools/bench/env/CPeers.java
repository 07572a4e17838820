package io.uring4j.tools.bench.env;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The C peers' toolchain: liburing-dev (Debian's liburing 2.3) and gcc. The C sources ship in
 * the tools jar under {@code c/} and are compiled into the work directory at bench time; no
 * binary is ever committed. A missing gcc or liburing-dev is installed only with
 * {@code --install-peers} ({@link PeerPackages}); otherwise the C peers are reported missing with
 * the command that installs them.
 */
public final class CPeers {
    private CPeers() {}

    static final Path LIBURING_HEADER = Path.of("/usr/include/liburing.h");

    private static final Availability TOOLCHAIN = new Availability(CPeers::checkToolchain);

    /** Null when gcc and liburing-dev are usable (installing them with --install-peers), else why not and how to install them. */
    public static String ensureToolchain() {
        return TOOLCHAIN.unavailableReason();
    }

    private static String checkToolchain() {
        return PeerPackages.bench().provide(toolchain());
    }

    /** gcc and liburing-dev, asked together so that one report (and one install) names both. */
    static List<PeerPackages.Need> toolchain() {
        return List.of(new PeerPackages.Need("gcc", () -> ChildProcess.onPath("gcc"), "gcc is not installed",
                        "apt-get installed gcc but it is not on the PATH"),
                new PeerPackages.Need("liburing-dev", () -> Files.exists(LIBURING_HEADER),
                        "liburing-dev is not installed (" + LIBURING_HEADER + " is missing)",
                        "apt-get installed liburing-dev but " + LIBURING_HEADER + " is still missing"));
    }

    /**
     * Extracts {@code c/<name>.c} from the jar into {@code workDir} and compiles it with
     * {@code gcc -O2 ... -luring}, unless an up-to-date binary from the same source is there.
     */
    static synchronized Path compile(String name, Path workDir) throws IOException, InterruptedException {
        byte[] source;
        try (InputStream in = CPeers.class.getResourceAsStream("/c/" + name + ".c")) {
            if (in == null) throw new IOException("the C source c/" + name + ".c is not on the class path");
            source = in.readAllBytes();
        }
        Files.createDirectories(workDir);
        Path src = workDir.resolve(name + ".c");
        Path bin = workDir.resolve(name);
        if (Files.isExecutable(bin) && Files.exists(src) && Arrays.equals(Files.readAllBytes(src), source)) {
            return bin;
        }
        Files.write(src, source);
        List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-o", bin.toString(), src.toString(), "-luring"));
        ChildProcess.Output o = ChildProcess.run(cmd, 120);
        if (o.exitCode() != 0) {
            Files.deleteIfExists(bin);
            throw new IOException("'" + String.join(" ", cmd) + "' failed: " + o.stderrTail());
        }
        return bin;
    }

    /** The installed liburing-dev package version, or "unknown". */
    public static String liburingVersion() {
        try {
            ChildProcess.Output o = ChildProcess.run(List.of("dpkg-query", "-W", "-f=${Version}", "liburing-dev"), 30);
            if (o.exitCode() == 0 && !o.stdout().isBlank()) return o.stdout().strip();
        } catch (IOException e) {
            // no dpkg: fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Files.exists(LIBURING_HEADER) ? "unknown" : "not installed";
    }
}
