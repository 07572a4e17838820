package io.uring4j.tools.bench.env;

import java.io.IOException;
import java.util.List;

/** fio, the tool: whether it is here (installed only with --install-peers: {@link PeerPackages}), and its version for the record. */
public final class Fio {
    private static final Availability INSTALLED = new Availability(() -> PeerPackages.bench().provide(List.of(need())));

    /** The fio package, here when the fio program is on the PATH. */
    static PeerPackages.Need need() {
        return new PeerPackages.Need("fio", () -> ChildProcess.onPath("fio"), "fio is not installed",
                "apt-get installed fio but it is not on the PATH");
    }

    private Fio() {}

    /** Null when fio is on the PATH (installing it with --install-peers), else why not and how to install it. */
    public static String ensureInstalled() {
        return INSTALLED.unavailableReason();
    }

    /** fio's version ("fio-3.33"), or "fio not installed". */
    public static String version() {
        if (!ChildProcess.onPath("fio")) return "fio not installed";
        try {
            ChildProcess.Output o = ChildProcess.run(List.of("fio", "--version"), 30);
            return o.exitCode() == 0 ? o.stdout().strip() : "fio (version unknown)";
        } catch (IOException e) {
            return "fio (version unknown)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "fio (version unknown)";
        }
    }
}
