package io.uring4j.tools.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.uring4j.tools.JsonAssert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14 item 8: the soak's {@code --json} report keeps its schema (resources json/soak-*.json)
 * and stays readable: one field or element a line, not one long line.
 */
class SoakJsonTest {
    /** Needs every escape: a quote, a backslash, a newline, a tab, a control character, non-ASCII. */
    static final String ODD = "conn 7 msg 12: \"expected\" 0x41 \\ got 0x42\nat\toffset 3 \u0001 é ü 日本";

    private static Tally tally() {
        Tally t = new Tally(new PrintStream(OutputStream.nullOutputStream()), System.nanoTime());
        t.connects.add(1200);
        t.messages.add(987_654);
        t.bytesEchoed.add(4_045_000_000L);
        t.closes.add(400);
        t.halfCloses.add(300);
        t.resets.add(250);
        t.accepted.add(1200);
        t.serverEnds.add(1190);
        t.serverErrorEnds.add(250);
        t.copies.add(37);
        t.copyBytes.add(37L << 24);
        t.copiesCut.add(5);
        t.reads.add(12_000);
        t.readBytes.add(12_000L * 4096);
        t.cancels.add(321);
        t.abandonedChecked.add(64);
        t.lateWrites.add(2);
        return t;
    }

    private static Sample sample(double seconds, long base, long heapResident) {
        return new Sample(seconds, base * 10, base * 40960, base / 7, base / 100, base / 3, base / 50, 0, 41 + base % 3,
                (3L << 20) + base, (200L << 20) + base * 11, heapResident, (90L << 20) + base * 5, 512L << 20, 64, 63);
    }

    @Test
    void aRunWithErrorsAndSamples(@TempDir Path dir) throws Exception {
        Tally t = tally();
        t.error(ODD);
        t.error("file 3: copy failed: java.io.IOException: \"No space\"");
        List<Sample> samples = List.of(sample(0.5, 1000, 150L << 20), sample(1.25, 2000, 150L << 20), sample(12.3456, 3001, -1));
        List<Flatness.Check> flatness = List.of(new Flatness.Check(Flatness.FDS, 41.3333, 42.5, 63.4),
                new Flatness.Check(Flatness.NATIVE, 3.5e6, 1.5e9, 8.39e6),
                new Flatness.Check(Flatness.RSS, 2.1e8 + 0.5, 2.2e8, 2.84e8));
        Soak.After after = new Soak.After(40, 43, "+1 anon_inode:[io_uring]", 0, samples.getLast());
        Report r = new Report(new Soak.Plan(0.2, 64, -4_611_686_018_427_387_904L, dir.resolve("x.json"), 1), 64, t, samples,
                flatness, after, 1 << 20, 0, 12.3456);
        Path file = dir.resolve("sub/soak.json");
        r.writeJson(file);
        String json = Files.readString(file);
        assertSameAsResource("soak-report", json);
        assertTrue(json.lines().count() > 10, "readable, not one line:\n" + json);
    }

    @Test
    void aQuietRunWithoutSamples(@TempDir Path dir) throws Exception {
        Tally t = new Tally(new PrintStream(OutputStream.nullOutputStream()), System.nanoTime());
        Report r = new Report(new Soak.Plan(5, 8, 1, null, 2), 8, t, List.of(), List.of(),
                new Soak.After(10, 10, "", 0, null), 0, 0, 0.004);
        Path file = dir.resolve("soak.json");
        r.writeJson(file);
        assertSameAsResource("soak-quiet", Files.readString(file));
    }
}
