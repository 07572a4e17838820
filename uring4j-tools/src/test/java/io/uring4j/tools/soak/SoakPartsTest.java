package io.uring4j.tools.soak;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The soak's checking machinery on its own: a wrong byte must be found, named and traced. */
class SoakPartsTest {

    @Test
    void aPatternFindsAWrongByteAndWhereMisplacedBytesCameFrom() {
        Pattern p = new Pattern(7);
        ByteBuffer b = ByteBuffer.allocateDirect(3 * Pattern.PERIOD);
        p.put(b, 1000, b.capacity());
        assertEquals(-1, p.mismatch(b, 0, 1000, b.capacity()), "the stream's own bytes");
        assertEquals(p.at(1000 + Pattern.PERIOD + 5), b.get(Pattern.PERIOD + 5), "byte by byte as in bulk");
        b.put(2 * Pattern.PERIOD + 3, (byte) ~b.get(2 * Pattern.PERIOD + 3));
        assertEquals(2 * Pattern.PERIOD + 3, p.mismatch(b, 0, 1000, b.capacity()), "one flipped byte, past a period");
        int shifted = p.mismatch(b, 0, 999, 100);
        assertTrue(shifted >= 0 && shifted < 8, "a shift by one differs at once: " + shifted);
        byte[] probe = new byte[32];
        b.get(4096, probe);
        assertEquals(1000 + 4096, p.locate(probe), "locating 32 bytes of the stream");
    }

    @Test
    void aMismatchTellsAReorderingFromAnOverwrite() {
        Pattern p = new Pattern(11);
        ByteBuffer b = ByteBuffer.allocate(16384);
        p.put(b, 0, 4096);
        p.put(b, 4096 + 57344, 4096); // four KiB from further on: a reordering
        p.put(b, 8192, 8192);
        String d = Mismatch.describe(p, b, 0, 16384, 0, 4096);
        assertTrue(d.contains("4096 bytes wrong, then right again"), d);
        assertTrue(d.contains("+57344 from where they should be"), d);
        Mismatch.Runs runs = new Mismatch.Runs(p, 0);
        runs.add(b, 0, 16384);
        assertEquals("[0, +4096) [61440, +4096) [8192, +8192)", runs.toString());
        assertFalse(runs.isPermutation(16384), "bytes 4096..8192 never came: not a mere reordering");

        ByteBuffer swapped = ByteBuffer.allocate(12288);
        p.put(swapped, 4096, 4096);
        p.put(swapped, 0, 4096);
        p.put(swapped, 8192, 4096);
        Mismatch.Runs reordered = new Mismatch.Runs(p, 0);
        reordered.add(swapped, 0, 12288);
        assertTrue(reordered.isPermutation(12288), "every byte once, out of order: " + reordered);
        assertFalse(reordered.isPermutation(16384), "fewer bytes than written");

        ByteBuffer zeros = ByteBuffer.allocate(4096);
        p.put(zeros, 0, 100);
        assertTrue(Mismatch.describe(p, zeros, 0, 4096, 0, 100).contains("zeros"));
    }

    @Test
    void flatnessFailsOnlyOnGrowthBeyondTheTolerance() {
        List<Sample> flat = new ArrayList<>(), growing = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            flat.add(sample(i, 2000 + (i % 3) * 10, 64L << 20, 300L << 20));
            growing.add(sample(i, 2000 + i * 20, 64L << 20, 300L << 20));
        }
        assertTrue(Flatness.judge(flat, 5).stream().allMatch(Flatness.Check::ok), "a level with noise is flat");
        List<Flatness.Check> g = Flatness.judge(growing, 5);
        assertFalse(g.get(0).ok(), "fds growing by 20 a sample: " + g.get(0).describe());
        assertTrue(g.get(0).describe().contains("GROWING"));
        assertTrue(g.get(1).ok() && g.get(2).ok(), "the others stay flat");
        assertTrue(Flatness.judge(flat.subList(0, 7), 5).isEmpty(), "too few samples after the warm-up: no verdict");
    }

    private static Sample sample(double t, long fds, long nativeBytes, long rss) {
        return new Sample(t, 0, 0, 0, 0, 0, 0, 0, fds, nativeBytes, rss, -1, 0, 0, 0, 0);
    }
}
