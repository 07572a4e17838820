package io.uring4j.tools.bench;

import io.uring4j.tools.bench.env.Profiling;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How long and how often to measure, and where: shared by every workload and contender.
 *
 * @param mode             "tiny", "quick" or "full" (for the record)
 * @param reps             repetitions per contender and point, interleaved
 * @param warmupSeconds    warm-up before each measurement (per process: every repetition is a fresh process)
 * @param measureSeconds   length of one measurement
 * @param javaWarmupSeconds warm-up of a JVM contender, which also has to JIT-compile the loop
 * @param cpu              the CPU to pin contenders to with taskset, or -1 for none
 * @param workDir          where C peers are extracted and compiled
 * @param batches          batch sizes to sweep (workloads that have no batch ignore it)
 * @param registeredRingFd whether rings register their fd (IORING_REGISTER_RING_FDS)
 * @param profileDir       where Java contenders write async-profiler stacks ({@link Profiling}), or null
 * @param only             measure only the points whose parameters have these values (empty: every point)
 */
public record BenchPlan(String mode, int reps, double warmupSeconds, double measureSeconds, double javaWarmupSeconds,
                        int cpu, Path workDir, List<Integer> batches, boolean registeredRingFd, Path profileDir,
                        Map<String, String> only) {

    public BenchPlan(String mode, int reps, double warmupSeconds, double measureSeconds, double javaWarmupSeconds,
                     int cpu, Path workDir, List<Integer> batches, boolean registeredRingFd) {
        this(mode, reps, warmupSeconds, measureSeconds, javaWarmupSeconds, cpu, workDir, batches, registeredRingFd, null, Map.of());
    }

    public BenchPlan(String mode, int reps, double warmupSeconds, double measureSeconds, double javaWarmupSeconds,
                     int cpu, Path workDir, List<Integer> batches, boolean registeredRingFd, Path profileDir) {
        this(mode, reps, warmupSeconds, measureSeconds, javaWarmupSeconds, cpu, workDir, batches, registeredRingFd, profileDir, Map.of());
    }

    /**
     * The points of {@code points} that match {@link #only}; a key no point has is an error (a
     * typo would otherwise measure nothing), as is a filter that leaves no point.
     */
    public List<BenchPoint> select(String workload, List<BenchPoint> points) {
        if (only.isEmpty()) return points;
        for (String key : only.keySet()) {
            if (points.stream().noneMatch(p -> p.params().containsKey(key))) {
                throw new IllegalArgumentException("--only " + key + ": workload " + workload + " has no such parameter; it has "
                        + points.stream().flatMap(p -> p.params().keySet().stream()).distinct().toList());
            }
        }
        List<BenchPoint> kept = points.stream().filter(p -> only.entrySet().stream()
                .allMatch(e -> e.getValue().equals(String.valueOf(p.params().get(e.getKey()))))).toList();
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("--only " + only + " matches none of " + workload + "'s points " + points);
        }
        return kept;
    }

    public BenchPlan {
        if (reps < 1) throw new IllegalArgumentException("reps must be >= 1, given " + reps);
        if (!(measureSeconds > 0)) throw new IllegalArgumentException("measurement seconds must be > 0, given " + measureSeconds);
        if (warmupSeconds < 0 || javaWarmupSeconds < 0) {
            throw new IllegalArgumentException("warm-up seconds must be >= 0, given " + warmupSeconds + " and " + javaWarmupSeconds);
        }
        batches = List.copyOf(batches);
        only = Map.copyOf(only);
    }

    /** The command prefix that pins a child process ({@code taskset -c N}), or empty. */
    public List<String> pinPrefix() {
        return cpu < 0 ? List.of() : List.of("taskset", "-c", Integer.toString(cpu));
    }

    /** JMH measures in iterations: of 1 s each, or one shorter iteration for sub-second runs. */
    public double iterationSeconds(double total) {
        return Math.min(1.0, total);
    }

    public int iterations(double total) {
        return total <= 0 ? 0 : (int) Math.max(1, Math.round(total / iterationSeconds(total)));
    }

    /** Seconds as a command-line argument of a child (C peer or JMH child). */
    public static String secondsArg(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.3f", seconds);
    }

    /** A generous bound on one child process, so a hung contender fails the run instead of freezing it. */
    public long childTimeoutSeconds() {
        return (long) (3 * (Math.max(warmupSeconds, javaWarmupSeconds) + measureSeconds)) + 120;
    }
}
