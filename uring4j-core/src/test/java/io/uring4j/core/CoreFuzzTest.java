package io.uring4j.core;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fuzzing core (issue 10, item 1): {@link CoreFuzzer} scenarios driven three ways.
 * <ul>
 * <li>{@link #core}: Jazzer's coverage-guided fuzzing when {@code JAZZER_FUZZ} is set (30 s here;
 *     {@code bin/fuzz --minutes N} runs the same target for longer through Jazzer's own driver,
 *     {@link #fuzzerTestOneInput}); without it, a replay of the inputs under
 *     {@code src/test/resources/io/uring4j/core/CoreFuzzTestInputs/core/} (seeds and past findings).</li>
 * <li>{@link #seededScenarios}: the short run every {@code mvn test} makes: random scenarios from
 *     seeded generators for {@code uring4j.fuzz.seconds} (default 5); a failure names its seed,
 *     and {@code -During4j.fuzz.seed=S} replays it.</li>
 * </ul>
 */
class CoreFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void core(FuzzedDataProvider data) {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available: " + IoUring.unavailabilityCause());
        CoreFuzzer.run(FuzzInput.of(data));
    }

    /** The entry point of Jazzer's standalone driver ({@code bin/fuzz}). */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        CoreFuzzer.run(FuzzInput.of(data));
    }

    @Test
    @Timeout(300)
    void seededScenarios() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available: " + IoUring.unavailabilityCause());
        String replay = System.getProperty("uring4j.fuzz.seed");
        long seconds = Long.getLong("uring4j.fuzz.seconds", 5);
        // CI walks the same seeds from 1 every run (a failure there is a change's, not the
        // clock's); -During4j.fuzz.random=true starts from the clock, to look further.
        long base = replay != null ? Long.parseLong(replay)
                : Boolean.getBoolean("uring4j.fuzz.random") ? System.nanoTime() : 1;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long before = CoreFuzzer.scenarios;
        int fdsBefore = FuzzFds.openFdCount();
        long seed = base;
        do {
            try {
                CoreFuzzer.run(FuzzInput.seeded(seed, 400));
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + " (replay with -During4j.fuzz.seed=" + seed + "): " + e.getMessage(), e);
            }
            seed++;
        } while (replay == null && System.nanoTime() < end);
        long ran = CoreFuzzer.scenarios - before;
        System.out.printf("core fuzz: %d seeded scenarios (seeds %d..%d) in %d s: %d SQEs, %d CQEs, %d refused by the checked API,"
                        + " %d setups refused; fds %d -> %d; known findings met: %s%n",
                ran, base, seed - 1, seconds, CoreFuzzer.sqes, CoreFuzzer.cqes, CoreFuzzer.refusals, CoreFuzzer.setupRefusals,
                fdsBefore, FuzzFds.openFdCount(), KnownFindings.summary());
        KnownFindings.log.forEach(System.out::println);
        assertTrue(FuzzFds.openFdCount() <= fdsBefore + 4, "the scenarios leaked fds: " + fdsBefore + " -> " + FuzzFds.openFdCount());
    }

    /** Every helper parameter has a fuzz role: a new helper is fuzzed as soon as it exists, and never with a guess. */
    @Test
    void everyHelperParameterHasARole() {
        List<String> problems = new ArrayList<>();
        for (Method m : CoreFuzzer.HELPERS) {
            for (Parameter p : m.getParameters()) {
                try {
                    FuzzArgs.role(m, p);
                } catch (IllegalStateException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(CoreFuzzer.HELPERS.size() > 100, "found only " + CoreFuzzer.HELPERS.size() + " helpers");
    }
}
