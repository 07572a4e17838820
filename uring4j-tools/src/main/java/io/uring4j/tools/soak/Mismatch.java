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
