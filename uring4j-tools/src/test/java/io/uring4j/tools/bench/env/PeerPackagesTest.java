package io.uring4j.tools.bench.env;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14 item 6, point 6: the bench never installs a peer's package on its own. A missing one
 * is reported with the exact command that installs it and nothing is run; only
 * {@code --install-peers} lets the installer run. The installer here is a stub that records what
 * it was asked: no test runs apt-get.
 */
@Timeout(30)
class PeerPackagesTest {
    /** Every call the bench made to its installer. */
    private final List<List<String>> installs = new ArrayList<>();

    private PeerPackages packages(boolean allowed) {
        PeerPackages p = new PeerPackages((names, why) -> {
            installs.add(names);
            return null;
        });
        p.allowInstalls(allowed);
        return p;
    }

    /** fio as {@link Fio#need()} looks for it, but on {@code path} instead of this process's PATH. */
    private static PeerPackages.Need fioOn(Path path) {
        PeerPackages.Need real = Fio.need();
        return new PeerPackages.Need(real.name(), () -> ChildProcess.onPath("fio", path.toString()), real.missing(), real.stillMissing());
    }

    @Test
    void aPeerMissingFromThePathIsReportedWithItsInstallCommandAndNotInstalled(@TempDir Path emptyBin) {
        PeerPackages p = packages(false);
        String why = p.provide(List.of(fioOn(emptyBin)));
        assertEquals("fio is not installed; install it with: apt-get install -y fio (or run bench with --install-peers)", why);
        assertEquals(List.of(), installs, "nothing was installed");
        assertEquals(List.of("fio"), p.notInstalled());
    }

    @Test
    void aPeerOnThePathNeedsNothing(@TempDir Path bin) throws Exception {
        Path fio = Files.writeString(bin.resolve("fio"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(fio, PosixFilePermissions.fromString("rwxr-xr-x"));
        PeerPackages p = packages(true);
        assertNull(p.provide(List.of(fioOn(bin))));
        assertEquals(List.of(), installs);
        assertEquals(List.of(), p.notInstalled());
    }

    @Test
    void theToolchainIsReportedInOneCommandForEveryMissingPackage() {
        PeerPackages p = packages(false);
        List<PeerPackages.Need> none = CPeers.toolchain().stream()
                .map(n -> new PeerPackages.Need(n.name(), () -> false, n.missing(), n.stillMissing())).toList();
        String why = p.provide(none);
        assertTrue(why.startsWith("gcc is not installed and liburing-dev is not installed (/usr/include/liburing.h is missing)"), why);
        assertTrue(why.endsWith("; install them with: apt-get install -y gcc liburing-dev (or run bench with --install-peers)"), why);
        assertEquals(List.of(), installs);
        assertEquals(List.of("gcc", "liburing-dev"), p.notInstalled());
        assertEquals("Peers skipped for want of gcc, liburing-dev; install with: apt-get install -y gcc liburing-dev (as root),"
                + " or run bench with --install-peers.", PeerPackages.skippedPeersLine(p.notInstalled()));
    }

    @Test
    void withInstallPeersTheMissingPackagesAreInstalledOnceTogether() {
        PeerPackages p = packages(true);
        boolean[] installed = {false};
        List<PeerPackages.Need> needs = List.of(new PeerPackages.Need("gcc", () -> true, "gcc is not installed", "-"),
                new PeerPackages.Need("fio", () -> installed[0], "fio is not installed", "fio is still missing"),
                new PeerPackages.Need("liburing-dev", () -> installed[0], "liburing-dev is not installed", "-"));
        PeerPackages installing = new PeerPackages((names, why) -> {
            installs.add(names);
            installed[0] = true;
            return null;
        });
        installing.allowInstalls(true);
        assertNull(installing.provide(needs));
        assertEquals(List.of(List.of("fio", "liburing-dev")), installs, "one install of the missing ones only");

        installs.clear();
        assertEquals("fio is still missing", p.provide(List.of(new PeerPackages.Need("fio", () -> false, "fio is not installed",
                        "fio is still missing"))),
                "an install that did not bring the file says so");
        assertEquals(List.of(List.of("fio")), installs);
    }

    @Test
    void installsAreOffUnlessBenchIsAskedTo() {
        assertFalse(packages(false).installsAllowed());
        assertFalse(new PeerPackages((n, w) -> fail("installed " + n)).installsAllowed(), "a new one does not install");
        PeerPackages bench = PeerPackages.bench();
        boolean before = bench.installsAllowed();
        try {
            var cl = new picocli.CommandLine(new io.uring4j.tools.bench.BenchCommand());
            cl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
            // An unknown workload stops before anything runs, after the option has taken effect.
            assertEquals(2, cl.execute("no-such-workload"));
            assertFalse(bench.installsAllowed(), "bench without --install-peers");
            assertEquals(2, cl.execute("no-such-workload", "--install-peers"));
            assertTrue(bench.installsAllowed(), "bench --install-peers");
        } finally {
            bench.allowInstalls(before);
        }
    }

    /** CI ran on a fresh root machine where bench used to install its peers unasked: it now asks. */
    @Test
    void ciStillInstallsThePeers() throws Exception {
        Path ci = Path.of("..", ".ci", "run");
        assertTrue(Files.exists(ci), "the CI script, from uring4j-tools: " + ci.toAbsolutePath());
        List<String> benchLines = Files.readAllLines(ci).stream().filter(l -> l.startsWith("bin/uring4j bench ")).toList();
        assertFalse(benchLines.isEmpty(), "CI runs bench");
        for (String line : benchLines) assertTrue(line.contains(" --install-peers"), line);
    }
}
