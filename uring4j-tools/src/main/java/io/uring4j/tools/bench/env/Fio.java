package io.uring4j.tools.bench.env;

import java.io.IOException;
import java.util.List;

/** fio, the tool: installed with apt-get when missing (as root), and its version for the record. */
public final class Fio {
    private static final Availability INSTALLED = new Availability(() -> Apt.provide("fio", () -> ChildProcess.onPath("fio"),
            "fio is not installed", "apt-get installed fio but it is not on the PATH"));

    private Fio() {}

    /** Null when fio is on the PATH (installing it if needed and allowed), else why not. */
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
