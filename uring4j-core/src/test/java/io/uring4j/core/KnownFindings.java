package io.uring4j.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * Findings of the core fuzzer that are reported and not fixed yet. Each has a regression test
 * ({@link FuzzFindingsTest}, disabled until core fixes it); meanwhile the fuzzer steps around it
 * (so it can go on finding the next one) and counts how often it met it. Run with
 * {@code -During4j.fuzz.known=fail} to make them violations again, e.g. to check a fix.
 */
final class KnownFindings {
    private KnownFindings() {}

    /** Stale SQE/CQE views of a ring in caller memory (openInMemory) stay usable after close. */
    static final String F1_CALLER_MEMORY_VIEWS_OUTLIVE_CLOSE = "F1 caller-memory views outlive close";
    /** Prep helpers take the address of a segment whose arena is closed (freed memory). */
    static final String F2_CLOSED_SEGMENT_ACCEPTED = "F2 closed-arena segment accepted";

    static final boolean TOLERATE = !"fail".equals(System.getProperty("uring4j.fuzz.known"));
    private static final Map<String, Long> MET = new TreeMap<>();

    /** Records that a scenario met {@code finding}; throws it instead when findings are not tolerated. */
    static void met(String finding, String detail) {
        if (!TOLERATE) throw new AssertionError(finding + ": " + detail);
        MET.merge(finding, 1L, Long::sum);
    }

    static synchronized String summary() {
        return MET.toString();
    }
}
