package io.uring4j.tools.soak;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /** The JSON report: the plan, totals, errors, the flatness verdict, the drain and every sample. */
    ObjectNode json() {
        Tally t = tally;
        ObjectNode doc = Json.object().put("minutes", Json.exact(plan.minutes())).put("connections", connections)
                .put("seed", plan.seed()).put("seconds", Json.fixed(seconds, 2))
                .put("interval_seconds", Json.fixed(plan.intervalSeconds(), 2)).put("warmup_seconds", Json.fixed(plan.warmupSeconds(), 2));
        ObjectNode totals = doc.putObject("totals");
        operations().forEach(e -> totals.put(e.getKey(), e.getValue()));
        totals.put("bytes_echoed", t.bytesEchoed.sum()).put("connects", t.connects.sum()).put("accepted", t.accepted.sum())
                .put("server_freed", t.serverEnds.sum()).put("server_error_ends", t.serverErrorEnds.sum())
                .put("copy_bytes", t.copyBytes.sum()).put("copies_cut", t.copiesCut.sum()).put("read_bytes", t.readBytes.sum())
                .put("abandoned_heap_reads_checked", t.abandonedChecked.sum()).put("late_writes", t.lateWrites.sum());
        ObjectNode known = doc.putObject("known_bugs");
        t.knownBugs().forEach((bug, n) -> known.put(bug.name(), n));
        doc.put("errors", t.errors());
        ArrayNode firstErrors = doc.putArray("first_errors");
        t.firstErrors().forEach(firstErrors::add);
        ArrayNode checks = doc.putArray("flatness");
        flatness.forEach(c -> checks.add(c.json()));
        doc.putObject("drain").put("fds_before", after.fdsBefore()).put("fds_after", after.fdsAfter())
                .put("server_live", after.serverLive()).put("native_before", nativeBefore).put("native_after_close", nativeAfter);
        doc.put("passed", passed());
        ArrayNode all = doc.putArray("samples");
        samples.forEach(s -> all.add(s.json()));
        return doc;
    }

    void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, Json.writePretty(json()) + "\n");
    }
}
