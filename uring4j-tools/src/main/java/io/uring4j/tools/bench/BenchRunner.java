package io.uring4j.tools.bench;

import io.uring4j.tools.bench.report.BenchReport;
import io.uring4j.tools.bench.report.ContenderResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a workload: at every point, repetition by repetition, each peer and then the subject
 * (A B A B …), so that drift of the machine hits every contender alike. Progress and failures go
 * to the {@link Progress}.
 */
final class BenchRunner {
    private final Workload workload;
    private final BenchPlan plan;
    private final Progress progress;

    BenchRunner(Workload workload, BenchPlan plan, Progress progress) {
        this.workload = workload;
        this.plan = plan;
        this.progress = progress;
    }

    /** One entry per point, with one result per contender (subject first, then the peers). */
    Map<BenchPoint, List<ContenderResult>> run() {
        List<Contender> order = new ArrayList<>(workload.peers(plan));
        Contender subject = workload.subject(plan);
        order.add(subject);
        List<BenchPoint> points = plan.select(workload.name(), workload.points(plan));
        progress.plan(points.size() * plan.reps() * order.size());
        Map<BenchPoint, List<ContenderResult>> all = new LinkedHashMap<>();
        try {
            workload.setUp(plan);
            Map<Contender, String> unavailable = new LinkedHashMap<>();
            for (Contender c : order) {
                String why = c.unavailableReason();
                if (why != null) {
                    unavailable.put(c, why);
                    progress.note("bench: " + c.name() + " is MISSING: " + why);
                }
            }
            for (BenchPoint point : points) {
                Map<Contender, ContenderResult> results = new LinkedHashMap<>();
                for (Contender c : order) {
                    ContenderResult r = new ContenderResult(c.name());
                    r.unavailable(unavailable.get(c));
                    results.put(c, r);
                }
                workload.beforePoint(point, plan);
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
        } catch (Exception e) {
            throw new IllegalStateException(workload.name() + ": " + (e.getMessage() == null ? e : e.getMessage()), e);
        } finally {
            for (Contender c : order) {
                c.close();
            }
            workload.tearDown(plan);
        }
        return all;
    }

    private void measureOnce(Contender c, BenchPoint point, int rep, ContenderResult r) {
        if (!r.measurable()) {
            progress.skipped(1);
            return;
        }
        progress.starting(workload.name(), point, rep, plan.reps(), c.name());
        try {
            Sample s = c.measure(point, plan);
            r.add(s);
            progress.finished(BenchReport.rate(s.opsPerSecond()) + " " + workload.unit()
                    + (Double.isNaN(s.p99Micros()) ? "" : String.format(Locale.ROOT, ", p99 %.1f us", s.p99Micros())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.failed("interrupted");
            progress.finished("interrupted");
        } catch (Exception e) {
            r.failed(e.getMessage() == null ? e.toString() : e.getMessage());
            progress.finished("FAILED: " + r.error());
        }
    }
}
