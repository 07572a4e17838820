package io.uring4j.tools.bench.child;

/**
 * Latencies in nanoseconds, as read_bench.c keeps them so that Java and C percentiles compare:
 * exact below 128 ns, then 64 sub-buckets per power of two (about 1.6 % wide); a percentile is
 * the upper edge of its bucket, so it never understates. Not thread-safe: one per thread (or per
 * chain of requests that never overlap), merged at the end.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = 2 * SUB + 58 * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;

    public void record(long nanos) {
        counts[index(Math.max(0, nanos))]++;
        total++;
    }

    public long count() {
        return total;
    }

    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) counts[i] += other.counts[i];
        total += other.total;
    }

    /** The {@code q} (0..1) percentile in microseconds; 0 when empty. */
    public double percentileMicros(double q) {
        if (total == 0) return 0;
        long target = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= target) return upper(i) / 1000.0;
        }
        return upper(BUCKETS - 1) / 1000.0;
    }

    static int index(long ns) {
        if (ns < 2 * SUB) return (int) ns;
        int shift = 63 - Long.numberOfLeadingZeros(ns) - SUB_BITS;
        return 2 * SUB + (shift - 1) * SUB + (int) ((ns >>> shift) - SUB);
    }

    /** The highest value that falls into bucket {@code i}. */
    static long upper(int i) {
        if (i < 2 * SUB) return i;
        int shift = (i - 2 * SUB) / SUB + 1;
        long top = SUB + (i - 2 * SUB) % SUB;
        return ((top + 1) << shift) - 1;
    }
}
