package io.uring4j.tools.bench.env;

import io.uring4j.core.IoUring;

import java.util.function.Supplier;

/**
 * Whether something a contender needs is here (a tool, a compiler, a built C program), found out
 * once: the first ask runs the check, which may build what is missing (or install it, with --install-peers), and every
 * later ask gets the same answer.
 */
public final class Availability {
    private final Supplier<String> check;
    private boolean checked;
    private String unavailableReason;

    /** @param check null when what it checks is here, else why not; run at most once */
    public Availability(Supplier<String> check) {
        this.check = check;
    }

    /** Null when io_uring works in this JVM, else why not (what every uring4j contender needs). */
    public static String ioUring() {
        return IoUring.isAvailable() ? null : "io_uring is not available: " + IoUring.unavailabilityCause().getMessage();
    }

    /** Null when available, else why not; the first call runs the check. */
    public synchronized String unavailableReason() {
        if (!checked) {
            checked = true;
            unavailableReason = check.get();
        }
        return unavailableReason;
    }
}
