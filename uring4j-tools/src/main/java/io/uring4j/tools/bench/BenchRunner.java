package io.uring4j.tools.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a workload: at every point, repetition by repetition, each peer and then the subject
 * (A B A B …), one fresh process per measurement. Progress goes to {@code log}.
 */
final class BenchRunner {
    private final Workload workload;
    private final BenchPlan plan;
    private final PrintStream log;

    BenchRunner(Workload workload, BenchPlan plan, PrintStream log) {
        this.workload = workload;
        this.plan = plan;
        this.log = log;
    }

    /** One entry per point, with one result per contender (subject first, then the peers). */
    Map<BenchPoint, List<ContenderResult>> run() {
        List<Contender> order = new ArrayList<>(workload.peers(plan));
        Contender subject = workload.subject(plan);
        order.add(subject);
        Map<Contender, String> unavailable = new LinkedHashMap<>();
        for (Contender c : order) {
            String why = c.unavailableReason();
            if (why != null) {
                unavailable.put(c, why);
                log.println("bench: " + c.name() + " is MISSING: " + why);
            }
        }
        Map<BenchPoint, List<ContenderResult>> all = new LinkedHashMap<>();
        try {
            measureAll(order, subject, unavailable, all);
        } finally {
            for (Contender c : order) c.close();
        }
        return all;
    }

    private void measureAll(List<Contender> order, Contender subject, Map<Contender, String> unavailable,
                            Map<BenchPoint, List<ContenderResult>> all) {
        for (BenchPoint point : workload.points(plan)) {
            Map<Contender, ContenderResult> results = new LinkedHashMap<>();
            for (Contender c : order) {
                ContenderResult r = new ContenderResult(c.name());
                r.unavailable = unavailable.get(c);
                results.put(c, r);
            }
            for (int rep = 1; rep <= plan.reps(); rep++) {
                for (Contender c : order) {
                    measureOnce(c, point, rep, results.get(c));
                }
            }
            List<ContenderResult> row = new ArrayList<>();
            row.add(results.get(subject));
            for (Contender c : order) {
                if (c != subject) row.add(results.get(c));
            }
            all.put(point, row);
        }
    }

    private void measureOnce(Contender c, BenchPoint point, int rep, ContenderResult r) {
        if (!r.measurable()) return;
        try {
            Sample s = c.measure(point, plan);
            r.samples.add(s);
            log.printf(Locale.ROOT, "bench: %s %s rep %d/%d %-13s %s ops/s%n", workload.name(), point, rep, plan.reps(),
                    c.name(), BenchReport.rate(s.opsPerSecond()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.error = "interrupted";
        } catch (Exception e) {
            r.error = e.getMessage() == null ? e.toString() : e.getMessage();
            log.println("bench: " + c.name() + " failed at " + point + ": " + r.error);
        }
    }
}
