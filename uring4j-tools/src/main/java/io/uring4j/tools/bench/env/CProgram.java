package io.uring4j.tools.bench.env;

import java.nio.file.Path;

/**
 * One of the project's C programs ({@code c/<name>.c} in the tools jar), built in a work
 * directory the first time it is asked for: gcc and liburing-dev must be usable
 * ({@link CPeers#ensureToolchain}), and a build that fails is reported with its reason.
 */
public final class CProgram {
    private final String name;
    private final Path workDir;
    private final Availability built = new Availability(this::build);
    private Path binary;

    /** The program {@code c/<name>.c}, to be built in {@code workDir}. */
    public CProgram(String name, Path workDir) {
        this.name = name;
        this.workDir = workDir;
    }

    /** Where the program is built. */
    public Path workDir() {
        return workDir;
    }

    /** Null when the program is built (building it the first time), else why it cannot be. */
    public String unavailableReason() {
        return built.unavailableReason();
    }

    /** The built program; IllegalStateException with the reason when it cannot be built. */
    public Path binary() {
        String why = unavailableReason();
        if (why != null) throw new IllegalStateException(why);
        return binary;
    }

    private String build() {
        String why = CPeers.ensureToolchain();
        if (why != null) return why;
        try {
            binary = CPeers.compile(name, workDir);
            return null;
        } catch (Exception e) {
            return "could not build " + name + ": " + e.getMessage();
        }
    }
}
