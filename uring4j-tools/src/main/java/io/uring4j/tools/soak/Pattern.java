package io.uring4j.tools.soak;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The bytes of one seeded stream (a conversation's, a file's): byte {@code i} of the stream is
 * byte {@code (start + i) mod PERIOD} of one random table, {@code start} coming from the
 * stream's seed. Filling and checking are bulk copies and vectorised compares (the soak checks
 * every byte, so a per-byte hash would cost more CPU than the I/O), and any lost, repeated or
 * misplaced run of bytes shows: the period is a prime near 1 MiB, so no buffer-sized shift
 * lands on the same bytes.
 */
final class Pattern {
    /** A prime: shifts by any power-of-two size (buffers, pages) never map the table onto itself. */
    static final int PERIOD = 1_048_573;
    /** The table twice, so that any run of at most PERIOD bytes from any start is contiguous. */
    private static final byte[] TABLE = new byte[2 * PERIOD];

    static {
        byte[] once = new byte[PERIOD];
        new Random(0x50A4_5EEDL).nextBytes(once);
        System.arraycopy(once, 0, TABLE, 0, PERIOD);
        System.arraycopy(once, 0, TABLE, PERIOD, PERIOD);
    }

    private final long seed;
    private final int start;

    Pattern(long seed) {
        this.seed = seed;
        this.start = new SplittableRandom(seed).nextInt(PERIOD);
    }

    /** The seed of stream {@code (a, b)} of a run: conversation {@code b} of slot {@code a}, or a file. */
    static long seed(long run, long a, long b) {
        return mix(run ^ mix(a * 0x9E3779B97F4A7C15L ^ mix(b + 0x632BE59BD9B4E019L)));
    }

    /** SplitMix64's finaliser: every input bit moves about half of the output bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long seed() {
        return seed;
    }

    /** Byte {@code offset} of the stream. */
    byte at(long offset) {
        return TABLE[index(offset)];
    }

    private int index(long offset) {
        return (int) ((start + offset) % PERIOD);
    }

    /**
     * Where in this stream {@code probe} (at most {@link #PERIOD} bytes) occurs: the smallest
     * stream offset, or -1. For diagnoses (which stream did misplaced bytes come from?).
     */
    long locate(byte[] probe) {
        for (int i = 0; i < PERIOD; i++) {
            if (TABLE[i] == probe[0] && Arrays.mismatch(TABLE, i, i + probe.length, probe, 0, probe.length) < 0) {
                return Math.floorMod(i - start, PERIOD);
            }
        }
        return -1;
    }

    /** Puts stream bytes {@code [offset, offset + count)} into {@code dst} at its position, advancing it. */
    void put(ByteBuffer dst, long offset, int count) {
        while (count > 0) {
            int n = Math.min(count, PERIOD);
            dst.put(TABLE, index(offset), n);
            offset += n;
            count -= n;
        }
    }

    /** Fills {@code dst[from, from + count)} with stream bytes {@code [offset, offset + count)}. */
    void fill(byte[] dst, int from, long offset, int count) {
        while (count > 0) {
            int n = Math.min(count, PERIOD);
            System.arraycopy(TABLE, index(offset), dst, from, n);
            from += n;
            offset += n;
            count -= n;
        }
    }

    /**
     * Where {@code count} bytes of {@code src} from absolute index {@code from} first differ from
     * stream bytes {@code [offset, offset + count)}: the index relative to {@code from}, or -1 if
     * they are all equal. {@code src}'s position and limit are left alone.
     */
    int mismatch(ByteBuffer src, int from, long offset, int count) {
        int done = 0;
        while (done < count) {
            int n = Math.min(count - done, PERIOD);
            int m = src.slice(from + done, n).mismatch(ByteBuffer.wrap(TABLE, index(offset + done), n));
            if (m >= 0) return done + m;
            done += n;
        }
        return -1;
    }
}
