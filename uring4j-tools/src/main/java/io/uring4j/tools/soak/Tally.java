package io.uring4j.tools.soak;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything the soak counts, from any thread. An error is anything that must not happen
 * (a wrong or missing byte, an unexpected exception, a stuck wait, a leak): it is printed at
 * once (the first {@link #PRINTED} of them) and kept for the summary; the run fails if there
 * is one.
 */
final class Tally {
    /** Errors printed as they happen; the rest are only counted. */
    static final int PRINTED = 25;

    // echo (client side)
    final LongAdder connects = new LongAdder();
    final LongAdder messages = new LongAdder();
    final LongAdder bytesEchoed = new LongAdder();
    final LongAdder closes = new LongAdder();
    final LongAdder halfCloses = new LongAdder();
    final LongAdder resets = new LongAdder();
    // echo (server side)
    final LongAdder accepted = new LongAdder();
    final LongAdder serverEnds = new LongAdder();
    final LongAdder serverErrorEnds = new LongAdder();
    // files
    final LongAdder copies = new LongAdder();
    final LongAdder copyBytes = new LongAdder();
    final LongAdder copiesCut = new LongAdder();
    final LongAdder reads = new LongAdder();
    final LongAdder readBytes = new LongAdder();
    final LongAdder cancels = new LongAdder();
    /** Given-up heap reads checked a second later, and those whose buffer was written after all. */
    final LongAdder abandonedChecked = new LongAdder();
    final LongAdder lateWrites = new LongAdder();

    private final LongAdder errors = new LongAdder();
    private final List<String> kept = new ArrayList<>();
    private final Map<KnownBug, LongAdder> known = new EnumMap<>(KnownBug.class);
    private final PrintStream err;
    private final long startNanos;

    Tally(PrintStream err, long startNanos) {
        this.err = err;
        this.startNanos = startNanos;
        for (KnownBug b : KnownBug.values()) known.put(b, new LongAdder());
    }

    /** A finding of a {@link KnownBug}: printed (the first three of each), counted apart from the errors. */
    void known(KnownBug bug, String what) {
        LongAdder n = known.get(bug);
        n.increment();
        if (n.sum() <= 3) {
            err.printf("soak: KNOWN BUG at %.1f s (%s, disabled until fixed): %s: %s%n", (System.nanoTime() - startNanos) / 1e9,
                    bug.test, bug.name(), what);
            err.flush();
        }
    }

    /** How often each known bug was hit. */
    Map<KnownBug, Long> knownBugs() {
        Map<KnownBug, Long> out = new EnumMap<>(KnownBug.class);
        known.forEach((b, n) -> out.put(b, n.sum()));
        return out;
    }

    /** Records an error: {@code what} names the connection or file, the step and the values. */
    void error(String what) {
        errors.increment();
        boolean print;
        synchronized (kept) {
            print = kept.size() < PRINTED;
            if (print) kept.add(what);
        }
        if (print) {
            err.printf("soak: ERROR at %.1f s: %s%n", (System.nanoTime() - startNanos) / 1e9, what);
            err.flush();
        }
    }

    /** {@link #error(String)} for an exception: its type and message (and its cause's) after {@code what}. */
    void error(String what, Throwable t) {
        error(what + ": " + describe(t));
    }

    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getName());
        if (t.getMessage() != null) sb.append(": ").append(t.getMessage());
        Throwable c = t.getCause();
        if (c != null && c != t) {
            sb.append(" (caused by ").append(c.getClass().getName());
            if (c.getMessage() != null) sb.append(": ").append(c.getMessage());
            sb.append(')');
        }
        return sb.toString();
    }

    long errors() {
        return errors.sum();
    }

    /** The first {@link #PRINTED} errors. */
    List<String> firstErrors() {
        synchronized (kept) {
            return List.copyOf(kept);
        }
    }

    /** Connections the server accepted and has not closed yet. */
    long serverLive() {
        return accepted.sum() - serverEnds.sum();
    }
}
