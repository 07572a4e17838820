package io.uring4j.tools.soak;

import java.nio.ByteBuffer;

/**
 * What a wrong run of bytes looks like, for the error that reports it: how far it goes (a
 * buffer overwritten in place is right again after it; lost or repeated bytes shift everything
 * after them) and where the wrong bytes come from (this stream at another offset, which is a
 * reordering, a loss or a repeat; another connection's stream, which is bytes crossing over;
 * or no stream at all: zeros, stale memory).
 */
final class Mismatch {
    private Mismatch() {}

    /** Bytes that must match again before a wrong run counts as ended. */
    private static final int RESYNC = 64;
    private static final int PROBE = 32;
    /** How far a boundary between runs may be off: bytes that fit both runs by chance (1 in 256 each). */
    private static final int FUZZ = 8;

    /**
     * The stream offsets of the bytes received, as runs of consecutive offsets, built piece by
     * piece after a mismatch: it shows a reordering (the missing bytes arrive later), a loss
     * (they never do) or foreign bytes. A piece that continues the current run costs one compare.
     */
    static final class Runs {
        private static final int MAX_RUNS = 24;
        /** Runs kept for {@link #isPermutation}; past this many, no claim is made. */
        private static final int MAX_KEPT = 4096;
        private final Pattern pattern;
        private final java.util.List<long[]> kept = new java.util.ArrayList<>();
        private boolean foreign;
        private final StringBuilder out = new StringBuilder();
        private int runs;
        private long runStart = -1, runLength;
        private long unknown;
        private long received;

        Runs(Pattern pattern, long goodPrefix) {
            this.pattern = pattern;
            runStart = 0;
            runLength = goodPrefix;
            received = goodPrefix;
        }

        long received() {
            return received;
        }

        void add(ByteBuffer buf, int from, int count) {
            received += count;
            int i = 0;
            while (i < count) {
                int k = count - i;
                if (runStart >= 0) {
                    int m = pattern.mismatch(buf, from + i, runStart + runLength, k);
                    if (m < 0) {
                        runLength += k;
                        return;
                    }
                    runLength += m;
                    i += m;
                    k -= m;
                }
                long at = k >= PROBE ? pattern.locate(probe(buf, from + i)) : -1;
                // The run that broke may have run on by a byte or two that happen to equal the
                // bytes it would have had next: those go to the new run when they fit it too.
                int back = 0;
                while (at - back > 0 && runLength - back > 0 && back < FUZZ && i - back > 0
                        && buf.get(from + i - back - 1) == pattern.at(at - back - 1)) {
                    back++;
                }
                runLength -= back;
                close();
                if (at >= 0) {
                    runStart = at - back;
                    runLength = back;
                } else {
                    int n = Math.min(k, PROBE);
                    unknown += n;
                    i += n;
                }
            }
        }

        private static byte[] probe(ByteBuffer buf, int at) {
            byte[] p = new byte[PROBE];
            buf.get(at, p);
            return p;
        }

        private void close() {
            if (unknown > 0) {
                append("[" + unknown + " bytes from no stream]");
                foreign = true;
            }
            unknown = 0;
            if (runStart >= 0 && runLength > 0) {
                append("[" + runStart + ", +" + runLength + ")");
                if (kept.size() < MAX_KEPT) kept.add(new long[] {runStart, runLength});
                else foreign = true;
            }
            runStart = -1;
            runLength = 0;
        }

        private void append(String run) {
            if (runs++ < MAX_RUNS) out.append(runs > 1 ? " " : "").append(run);
        }

        /**
         * Whether the bytes received are exactly stream bytes {@code [0, total)}, each once, only
         * out of order: a reordering, nothing lost, repeated or foreign.
         */
        boolean isPermutation(long total) {
            close();
            if (foreign || received != total) return false;
            java.util.List<long[]> sorted = new java.util.ArrayList<>(kept);
            sorted.sort(java.util.Comparator.comparingLong(r -> r[0]));
            long at = 0;
            for (long[] r : sorted) {
                if (Math.abs(r[0] - at) > FUZZ) return false; // a gap or an overlap: lost or repeated bytes
                at = r[0] + r[1];
            }
            return Math.abs(at - total) <= FUZZ;
        }

        @Override
        public String toString() {
            close();
            return out + (runs > MAX_RUNS ? " and " + (runs - MAX_RUNS) + " more runs" : "");
        }
    }

    /**
     * {@code buf[from, from + count)} should hold stream bytes {@code [offset, offset + count)}
     * of {@code pattern} and differs first at {@code from + bad}.
     */
    static String describe(Pattern pattern, ByteBuffer buf, int from, int count, long offset, int bad) {
        StringBuilder sb = new StringBuilder();
        int end = bad;
        while (end < count) {
            int k = Math.min(RESYNC, count - end);
            if (pattern.mismatch(buf, from + end, offset + end, k) < 0 && k == RESYNC) break;
            end++;
        }
        if (end >= count) sb.append("wrong from there to the end of the read (").append(count - bad).append(" bytes)");
        else sb.append(end - bad).append(" bytes wrong, then right again");
        if (count - bad >= PROBE) {
            byte[] probe = new byte[PROBE];
            buf.get(from + bad, probe);
            long at = pattern.locate(probe);
            if (at < 0) {
                boolean zeros = true;
                for (byte b : probe) zeros &= b == 0;
                sb.append(zeros ? "; the wrong bytes are zeros" : "; the wrong bytes are from no stream (stale memory?)");
            } else {
                long delta = at - (offset + bad);
                sb.append("; they are this stream's bytes at offset ").append(at).append(" (mod ").append(Pattern.PERIOD)
                        .append(", ").append(delta >= 0 ? "+" : "").append(delta).append(" from where they should be: ")
                        .append(Math.abs(delta) < 16L << 20 ? "bytes of this stream out of place" : "likely another stream's")
                        .append(')');
            }
        }
        return sb.toString();
    }
}
