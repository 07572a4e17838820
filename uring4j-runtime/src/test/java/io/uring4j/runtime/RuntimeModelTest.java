package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 10 item 2: a model test of the runtime. Each run draws its shape from a seed (groups,
 * 2 to 8 platform and virtual threads, files, TCP pairs, how often requests are given up, a
 * group close mid-run or not) and each worker's actions: opens, reads and writes in every form,
 * cancels, tiny deadlines, interrupts, closes, aborts, half-closes, new pairs, group close. The
 * oracle ({@link ModelRun}): every future completes; every byte of every TCP stream arrives once
 * and in order ({@link StreamModel}); every byte read from a file is one a write may have left
 * there ({@link FileModel}); fds and {@link EventLoopGroup#nativeBytes()} are back to where they
 * were.
 *
 * <p>A seed fixes the run's shape and every worker's actions, not the threads' interleaving, so
 * a failing seed replays the same actions under new interleavings (run it a few times).
 * Properties: {@code -During4j.model.seed=0x...} runs that seed only; {@code uring4j.model.runs}
 * (default {@value #DEFAULT_RUNS}), {@code uring4j.model.seconds} (a time budget, default none),
 * {@code uring4j.model.actions} (per thread, default {@value #DEFAULT_ACTIONS}),
 * {@code uring4j.model.keepGoing=true} (run on after a failing run and fail at the end with every
 * failing seed: for long runs).
 */
class RuntimeModelTest {
    static final int DEFAULT_RUNS = 16;
    static final int DEFAULT_ACTIONS = 40;

    @Test
    @Timeout(value = 12, unit = TimeUnit.HOURS) // bounded by the runs and the time budget; each run's waits have deadlines
    void randomInterleavingsMatchTheModel() throws Exception {
        String seedProperty = System.getProperty("uring4j.model.seed");
        int runs = Integer.getInteger("uring4j.model.runs", seedProperty != null ? 1 : DEFAULT_RUNS);
        long seconds = Long.getLong("uring4j.model.seconds", 0);
        int actions = Integer.getInteger("uring4j.model.actions", DEFAULT_ACTIONS);
        boolean keepGoing = Boolean.getBoolean("uring4j.model.keepGoing");
        // CI walks the same seeds every run (base 1), so a failure there is a change's, not the
        // clock's; -During4j.model.random=true draws the base from the clock to look further.
        long base = seedProperty != null ? parseSeed(seedProperty)
                : Boolean.getBoolean("uring4j.model.random") ? System.nanoTime() ^ System.currentTimeMillis() * 0x9E3779B97F4A7C15L : 1;
        long start = System.nanoTime();
        Totals totals = new Totals();
        List<String> failed = new java.util.ArrayList<>();
        for (int i = 0; i < runs; i++) {
            if (seconds > 0 && System.nanoTime() - start > seconds * 1_000_000_000L) break;
            long seed = seedProperty != null && i == 0 ? base : mix(base, i);
            try {
                runOne(seed, actions, i, runs, totals);
            } catch (AssertionError e) {
                if (!keepGoing) throw e;
                System.out.println(e.getMessage());
                failed.add(String.format("0x%x", seed) + ": " + e.getMessage().lines().skip(1).findFirst().orElse(""));
            }
        }
        totals.print((System.nanoTime() - start) / 1_000_000_000.0);
        if (!failed.isEmpty()) fail(failed.size() + " failing run(s):\n  " + String.join("\n  ", failed));
    }

    /** One run of {@code seed}; fails with its violations, the replay command and the log's tail. */
    static void runOne(long seed, int actions, int i, int runs, Totals totals) throws Exception {
        Path dir = Files.createTempDirectory("uring4j-model-");
        ModelRun run = new ModelRun(seed, actions, dir);
        String id = String.format("model run %d/%d seed 0x%x", i + 1, runs, seed);
        System.out.println(id + ": " + run.profile);
        long t0 = System.nanoTime();
        List<String> violations;
        try {
            violations = run.run();
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        totals.add(run, (long) (secs * 1000));
        System.out.printf("%s: %d actions, %d TCP pairs, %d TCP writes, %d B of streams checked, %.1f s%s%n", id, run.actions.get(),
                run.tcp.all.size(), run.tcp.all.stream().mapToInt(p -> p.c().out.writeCount() + p.s().out.writeCount()).sum(),
                run.tcp.all.stream().mapToLong(p -> p.c().in.receivedLength() + (long) p.s().in.receivedLength()).sum(), secs,
                violations.isEmpty() ? ", ok" : ", " + violations.size() + " violation(s)");
        if (!violations.isEmpty()) {
            Path log = Path.of("target", String.format("model-0x%x.log", seed)).toAbsolutePath();
            run.writeLog(log);
            fail(id + " (" + run.profile + "): " + violations.size() + " violation(s):\n  " + String.join("\n  ", violations)
                    + "\nreplay: ./mvnw -B -q verify -pl uring4j-runtime -am -Dsurefire.failIfNoSpecifiedTests=false"
                    + " -Dtest=RuntimeModelTest -During4j.model.seed=" + String.format("0x%x", seed)
                    + (actions != DEFAULT_ACTIONS ? " -During4j.model.actions=" + actions : "")
                    + "\nwhole log: " + log + "\nlast events:\n" + run.logTail());
        }
    }

    /** A seed as printed (0x and 16 hex digits, any of the 2^64), or in decimal. */
    static long parseSeed(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
    }

    static long mix(long base, int i) {
        long z = base + (i + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** What the runs did, for the summary (and docs/reliability-model.md). */
    static final class Totals {
        long runs, actions, threads, virtualThreads, groupClosesMidRun, pairs, tcpWrites, tcpBytes, fileWrites, fileBytes, maxRunMillis;
        final Map<String, Long> outcomes = new TreeMap<>();

        void add(ModelRun run, long millis) {
            runs++;
            actions += run.actions.get();
            threads += run.profile.threads();
            virtualThreads += run.profile.virtualThreads();
            if (run.profile.groupCloseAt() >= 0) groupClosesMidRun++;
            pairs += run.tcp.all.size();
            for (ModelTcp.Pair p : run.tcp.all) {
                tcpWrites += p.c().out.writeCount() + p.s().out.writeCount();
                tcpBytes += p.c().in.receivedLength() + (long) p.s().in.receivedLength();
            }
            long[] f = run.files.figures();
            fileBytes += f[0];
            fileWrites += f[1];
            maxRunMillis = Math.max(maxRunMillis, millis);
            run.outcomes.forEach((k, v) -> outcomes.merge(k, v[0], Long::sum));
        }

        void print(double seconds) {
            System.out.printf("model: %d runs, %d actions (interleavings checked: runs x actions), %.0f s (longest run %.1f s)%n",
                    runs, actions, seconds, maxRunMillis / 1000.0);
            System.out.printf("model: %d threads (%d virtual), %d runs closing a group mid-run, %d TCP pairs, %d TCP writes,"
                    + " %d B of TCP streams checked, %d file writes, %d B of file reads and contents checked%n",
                    threads, virtualThreads, groupClosesMidRun, pairs, tcpWrites, tcpBytes, fileWrites, fileBytes);
            StringBuilder s = new StringBuilder("model outcomes:");
            outcomes.forEach((k, v) -> s.append("\n  ").append(k).append(": ").append(v));
            System.out.println(s);
        }
    }
}
