package io.uring4j.tools.soak;

import io.uring4j.tools.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static java.util.Map.entry;

/**
 * The end of a soak run: totals, errors, the flatness verdict and what the drain left, as text
 * and (with {@code --json}) as JSON with every sample. The run passes if there was no error,
 * everything stayed flat and every kind of operation happened at least once (a soak that did
 * nothing must not pass).
 */
record Report(Soak.Plan plan, int connections, Tally tally, List<Sample> samples, List<Flatness.Check> flatness,
              Soak.After after, long nativeBefore, long nativeAfter, double seconds) {

    /** Every kind of operation with its count: each must be above 0 for the run to pass. */
    List<Map.Entry<String, Long>> operations() {
        Tally t = tally;
        return List.of(entry("messages", t.messages.sum()), entry("closes", t.closes.sum()),
                entry("half_closes", t.halfCloses.sum()), entry("resets", t.resets.sum()), entry("copies", t.copies.sum()),
                entry("reads", t.reads.sum()), entry("cancels", t.cancels.sum()));
    }

    List<String> failures() {
        List<String> f = new ArrayList<>();
        if (tally.errors() > 0) f.add(tally.errors() + " errors");
        for (Flatness.Check c : flatness) if (!c.ok()) f.add(c.rule().name() + " growing");
        for (Map.Entry<String, Long> op : operations()) if (op.getValue() == 0) f.add("no " + op.getKey().replace('_', '-'));
        return f;
    }

    boolean passed() {
        return failures().isEmpty();
    }

    void print(PrintStream out) {
        Tally t = tally;
        out.printf(Locale.ROOT, "soak: %.1f s, %d connections, seed %d%n", seconds, connections, plan.seed());
        out.printf(Locale.ROOT, "  echo:   %,d messages, %s echoed and checked, %,d conversations (%,d closed, %,d half-closed, %,d reset),"
                        + " %,d connects%n", t.messages.sum(), Sample.bytes(t.bytesEchoed.sum()),
                t.closes.sum() + t.halfCloses.sum() + t.resets.sum(), t.closes.sum(), t.halfCloses.sum(), t.resets.sum(), t.connects.sum());
        out.printf(Locale.ROOT, "  server: %,d connections accepted, %,d freed (%,d ended by a receive error: the resets)%n",
                t.accepted.sum(), t.serverEnds.sum(), t.serverErrorEnds.sum());
        out.printf(Locale.ROOT, "  files:  %,d copies (%s checked), %,d cut short by a deadline or interrupt (target untouched),"
                        + " %,d reads (%s checked), %,d given up (cancel, deadline, interrupt)%n", t.copies.sum(),
                Sample.bytes(t.copyBytes.sum()), t.copiesCut.sum(), t.reads.sum(), Sample.bytes(t.readBytes.sum()), t.cancels.sum());
        out.printf(Locale.ROOT, "          given-up heap reads whose buffer was still written: %,d of %,d checked (not an error: see RandomReader)%n",
                t.lateWrites.sum(), t.abandonedChecked.sum());
        for (Map.Entry<KnownBug, Long> k : t.knownBugs().entrySet()) {
            if (k.getValue() > 0) {
                out.printf("  KNOWN BUG hit %,d times (not counted as errors; %s fails on it, disabled until the fix): %s: %s%n",
                        k.getValue(), k.getKey().test, k.getKey().name(), k.getKey().what);
            }
        }
        out.printf("  errors: %d%n", t.errors());
        for (String e : t.firstErrors()) out.println("    " + e);
        if (flatness.isEmpty()) {
            out.println("  flat:   too few samples after the warm-up for a verdict");
        } else {
            for (Flatness.Check c : flatness) out.println("  flat:   " + c.describe());
        }
        out.printf("  drain:  fds %d after (%d before the first client: %s), server connections %d; native bytes %d after the"
                        + " groups closed (%d before)%n", after.fdsAfter(), after.fdsBefore(), after.fdKindsChanged(), after.serverLive(),
                nativeAfter, nativeBefore);
        List<String> f = failures();
        String known = t.knownBugs().entrySet().stream().filter(e -> e.getValue() > 0).map(e -> e.getKey().name())
                .collect(Collectors.joining(", "));
        out.println((f.isEmpty() ? "soak: PASS" : "soak: FAIL: " + String.join(", ", f))
                + (known.isEmpty() ? "" : " (known runtime bugs hit: " + known + ")"));
        out.flush();
    }

    void writeJson(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append(String.format(Locale.ROOT, "  \"minutes\": %s, \"connections\": %d, \"seed\": %d, \"seconds\": %.2f,%n",
                plan.minutes(), connections, plan.seed(), seconds));
        sb.append(String.format(Locale.ROOT, "  \"interval_seconds\": %.2f, \"warmup_seconds\": %.2f,%n", plan.intervalSeconds(),
                plan.warmupSeconds()));
        Tally t = tally;
        sb.append("  \"totals\": {").append(operations().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(", ")));
        sb.append(String.format(Locale.ROOT, ", \"bytes_echoed\": %d, \"connects\": %d, \"accepted\": %d, \"server_freed\": %d,"
                        + " \"server_error_ends\": %d, \"copy_bytes\": %d, \"copies_cut\": %d, \"read_bytes\": %d,"
                        + " \"abandoned_heap_reads_checked\": %d, \"late_writes\": %d},%n",
                t.bytesEchoed.sum(), t.connects.sum(), t.accepted.sum(), t.serverEnds.sum(), t.serverErrorEnds.sum(),
                t.copyBytes.sum(), t.copiesCut.sum(), t.readBytes.sum(), t.abandonedChecked.sum(), t.lateWrites.sum()));
        sb.append("  \"known_bugs\": {").append(t.knownBugs().entrySet().stream()
                .map(e -> "\"" + e.getKey().name() + "\": " + e.getValue()).collect(Collectors.joining(", "))).append("},\n");
        sb.append("  \"errors\": ").append(t.errors()).append(", \"first_errors\": [")
                .append(t.firstErrors().stream().map(Json::str).collect(Collectors.joining(", "))).append("],\n");
        sb.append("  \"flatness\": [").append(flatness.stream().map(Flatness.Check::json).collect(Collectors.joining(", "))).append("],\n");
        sb.append(String.format(Locale.ROOT, "  \"drain\": {\"fds_before\": %d, \"fds_after\": %d, \"server_live\": %d,"
                        + " \"native_before\": %d, \"native_after_close\": %d},%n", after.fdsBefore(), after.fdsAfter(), after.serverLive(),
                nativeBefore, nativeAfter));
        sb.append("  \"passed\": ").append(passed()).append(",\n");
        sb.append("  \"samples\": [\n    ").append(samples.stream().map(Sample::json).collect(Collectors.joining(",\n    ")))
                .append("\n  ]\n}\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, sb);
    }
}
