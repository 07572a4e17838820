package io.uring4j.tools.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Where a bench run is, on stderr: on a terminal one bar line rewritten in place (workload, point,
 * contender, repetition, elapsed and estimated remaining time) with each finished measurement
 * printed above it; elsewhere (CI logs) one line per measurement with the percentage done.
 */
final class Progress {
    private static final int BAR = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private int total;
    private int done;
    private String current = "";

    Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Whether stderr is most likely an interactive terminal (the JVM knows for its console). */
    static boolean stderrIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal() && System.getenv("CI") == null;
    }

    /** Adds measurements still to come (each workload adds its own before it starts). */
    synchronized void plan(int measurements) {
        total += measurements;
    }

    /** A measurement is about to start. */
    synchronized void starting(String workload, BenchPoint point, int rep, int reps, String contender) {
        current = String.format(Locale.ROOT, "%s %s rep %d/%d %s", workload, point, rep, reps, contender);
        if (terminal) drawBar();
    }

    /** The measurement announced last ended; {@code outcome} says how (a rate, FAILED ...). */
    synchronized void finished(String outcome) {
        done++;
        line(current + ": " + outcome);
    }

    /** Measurements that will not run (a missing contender): counted as done. */
    synchronized void skipped(int measurements) {
        done += measurements;
        if (terminal) drawBar();
    }

    /** A message that is not a measurement (an install, a missing peer). */
    synchronized void note(String message) {
        line(message);
    }

    /** Clears the bar at the end of the run. */
    synchronized void end() {
        if (terminal) out.print("\r\033[K");
        out.printf(Locale.ROOT, "bench: %d measurements in %s%n", done, clock(elapsedSeconds()));
        out.flush();
    }

    private void line(String text) {
        if (terminal) {
            out.print("\r\033[K");
            out.println(text);
            drawBar();
        } else {
            out.printf(Locale.ROOT, "bench [%3d%%] %s%n", percent(), text);
        }
        out.flush();
    }

    private void drawBar() {
        int filled = total == 0 ? 0 : (int) ((long) BAR * Math.min(done, total) / total);
        String bar = "#".repeat(filled) + ".".repeat(BAR - filled);
        out.printf(Locale.ROOT, "\r\033[K[%s] %3d%% %d/%d %s  %s, ~%s left", bar, percent(), done, total, current,
                clock(elapsedSeconds()), done == 0 ? "?" : clock(elapsedSeconds() / done * (total - done)));
        out.flush();
    }

    private int percent() {
        return total == 0 ? 100 : (int) (100L * Math.min(done, total) / total);
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
