package io.uring4j.tools.bench.report;

import java.util.Arrays;

/** Order statistics over a handful of repetitions. */
public final class Stats {
    private Stats() {}

    /**
     * The {@code q}-quantile (0..1) with linear interpolation between the closest ranks (the
     * common "type 7" definition): the median of 1,2,3,4 is 2.5, its p10 is 1.3. NaN for no data.
     */
    public static double quantile(double[] values, double q) {
        if (q < 0 || q > 1) throw new IllegalArgumentException("quantile must be in 0..1, given " + q);
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        double pos = q * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, v.length - 1);
        return v[lo] + (pos - lo) * (v[hi] - v[lo]);
    }

    /** The 0.5-quantile: see {@link #quantile}. */
    public static double median(double[] values) {
        return quantile(values, 0.5);
    }
}
