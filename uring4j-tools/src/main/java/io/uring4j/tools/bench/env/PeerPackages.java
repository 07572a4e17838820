package io.uring4j.tools.bench.env;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The Debian packages the bench's peers need (fio, gcc, liburing-dev). The bench never installs
 * one on its own initiative, whoever runs it: a missing package is reported with the command that
 * installs it and the peers that need it are skipped. With {@code bench --install-peers} (which
 * CI passes) a missing package is installed with apt-get, as root only.
 */
public final class PeerPackages {
    /** The hint every report of a missing package ends with. */
    static final String INSTALL_OPTION_HINT = "or run bench with --install-peers";

    /** Installs packages: null on success, else why not (the reasons {@code why} the packages were wanted come first). */
    @FunctionalInterface
    interface Installer {
        String install(List<String> packages, String why);
    }

    /**
     * A package and how to tell whether what it provides is here.
     *
     * @param name         the Debian package
     * @param present      whether its file or program is here
     * @param missing      what is missing when it is not ("fio is not installed")
     * @param stillMissing what to say when apt-get succeeded but {@code present} still does not hold
     */
    record Need(String name, BooleanSupplier present, String missing, String stillMissing) {}

    private static final PeerPackages BENCH = new PeerPackages(Apt::install);

    private final Installer installer;
    private volatile boolean installAllowed;
    private final Set<String> notInstalled = new LinkedHashSet<>();

    PeerPackages(Installer installer) {
        this.installer = installer;
    }

    /** The bench's packages: what {@link Fio} and {@link CPeers} ask. */
    public static PeerPackages bench() {
        return BENCH;
    }

    /** Whether a missing package may be installed ({@code --install-peers}); not by default. */
    public void allowInstalls(boolean allowed) {
        installAllowed = allowed;
    }

    /** Whether {@link #allowInstalls} allowed it. */
    public boolean installsAllowed() {
        return installAllowed;
    }

    /** {@code apt-get install -y fio liburing-dev}: the command that installs {@code packages}. */
    public static String installCommand(List<String> packages) {
        return "apt-get install -y " + String.join(" ", packages);
    }

    /** The line at the end of a bench run that says how to get the peers it skipped for want of {@code packages}. */
    public static String skippedPeersLine(List<String> packages) {
        return "Peers skipped for want of " + String.join(", ", packages) + "; install with: " + installCommand(packages)
                + " (as root), " + INSTALL_OPTION_HINT + ".";
    }

    /** The packages found missing and not installed so far, in the order they were asked for. */
    public synchronized List<String> notInstalled() {
        return List.copyOf(notInstalled);
    }

    /**
     * Null when every one of {@code needs} is present; else why not. Without permission to
     * install, that is what is missing and the command that installs it, and nothing is run;
     * with it, the installer runs once for all the missing packages.
     */
    String provide(List<Need> needs) {
        List<Need> absent = needs.stream().filter(n -> !n.present().getAsBoolean()).toList();
        if (absent.isEmpty()) return null;
        List<String> names = absent.stream().map(Need::name).toList();
        String why = absent.stream().map(Need::missing).collect(Collectors.joining(" and "));
        if (!installAllowed) {
            record(names);
            return why + "; install " + (names.size() == 1 ? "it" : "them") + " with: " + installCommand(names)
                    + " (" + INSTALL_OPTION_HINT + ")";
        }
        String failure = installer.install(names, why);
        if (failure != null) {
            record(names);
            return failure;
        }
        List<String> still = new ArrayList<>();
        for (Need n : absent) {
            if (!n.present().getAsBoolean()) {
                still.add(n.stillMissing());
                record(List.of(n.name()));
            }
        }
        return still.isEmpty() ? null : String.join(" and ", still);
    }

    private synchronized void record(List<String> names) {
        notInstalled.addAll(names);
    }
}
