package io.uring4j.tools.bench.report;

import io.uring4j.tools.bench.Sample;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Everything measured for one contender at one point: its samples, or why there are none. */
public final class ContenderResult {
    private final String contender;
    private final List<Sample> samples = new ArrayList<>();
    private String unavailable;
    private String error;

    /** No sample yet for {@code contender}. */
    public ContenderResult(String contender) {
        this.contender = contender;
    }

    /** The contender's name. */
    public String contender() {
        return contender;
    }

    /** The repetitions measured, in order (read-only). */
    public List<Sample> samples() {
        return Collections.unmodifiableList(samples);
    }

    /** One more repetition measured. */
    public void add(Sample s) {
        samples.add(s);
    }

    /** Why the contender could not run here (missing peer), or null. */
    public String unavailable() {
        return unavailable;
    }

    /** Records that the contender cannot run here ({@code why}; null: it can). */
    public void unavailable(String why) {
        unavailable = why;
    }

    /** Why a measurement failed, or null; after a failure the contender is not measured again at this point. */
    public String error() {
        return error;
    }

    /** Records why a measurement failed. */
    public void failed(String why) {
        error = why;
    }

    /** Whether the contender is still measured at this point: it can run here and has not failed. */
    public boolean measurable() {
        return unavailable == null && error == null;
    }

    double[] rates() {
        return samples.stream().mapToDouble(Sample::opsPerSecond).toArray();
    }

    double medianRate() {
        return Stats.median(rates());
    }

    double quantileRate(double q) {
        return Stats.quantile(rates(), q);
    }

    /** Median CPU seconds per operation, NaN if unknown. */
    double medianCpuSecondsPerOp() {
        return Stats.median(samples.stream().mapToDouble(Sample::cpuSecondsPerOp).toArray());
    }

    /** Median p99 latency in microseconds, NaN if the contender does not report latency. */
    double medianP99Micros() {
        return Stats.median(samples.stream().mapToDouble(Sample::p99Micros).toArray());
    }

    /** Median CPU utilisation of the load client (1.0 = one core), NaN if there is no separate client. */
    double medianClientCpuUtil() {
        return Stats.median(samples.stream().mapToDouble(Sample::clientCpuUtil).toArray());
    }

    /** Whether the load client, not the contender, was the limit: above 90 % of its core. */
    boolean clientBound() {
        return medianClientCpuUtil() > CLIENT_BOUND_UTIL;
    }

    static final double CLIENT_BOUND_UTIL = 0.9;

    /** Median bytes per operation, NaN if the contender does not report allocation. */
    double medianBytesPerOp() {
        return Stats.median(samples.stream().mapToDouble(Sample::bytesPerOp).toArray());
    }
}
