package io.uring4j.tools.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uring4j.tools.Json;
import io.uring4j.tools.bench.contender.JvmChild;
import io.uring4j.tools.bench.env.PeerPackages;
import io.uring4j.tools.bench.env.Profiling;
import io.uring4j.tools.bench.report.BenchChart;
import io.uring4j.tools.bench.report.BenchReport;
import io.uring4j.tools.bench.report.MachineInfo;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code uring4j bench} run over one or more workloads: runs them in order with one progress
 * bar, then prints each table, writes each workload's Markdown report and PNG chart under the
 * output directory, and the whole run as JSON when asked.
 */
final class BenchSession {
    private final BenchPlan plan;
    private final PrintStream out;
    private final PrintStream err;

    BenchSession(BenchPlan plan, PrintStream out, PrintStream err) {
        this.plan = plan;
        this.out = out;
        this.err = err;
    }

    /** Exit status: 0 when every available contender measured every point, else 1. */
    int run(List<Workload> workloads, Path outDir, Path json) throws Exception {
        String load = MachineInfo.currentLoad();
        double load1 = MachineInfo.currentLoad1();
        double[] maxLoad = {load1};
        // Other work on the machine moves the figures: the report says how busy it got.
        Thread sampler = Thread.ofPlatform().daemon().name("bench-load-sampler").start(() -> {
            try {
                while (true) {
                    Thread.sleep(5000);
                    synchronized (maxLoad) {
                        maxLoad[0] = Math.max(maxLoad[0], MachineInfo.currentLoad1());
                    }
                }
            } catch (InterruptedException e) {
                // the run is over
            }
        });
        if (load1 > 0.5 && plan.mode().equals("full")) {
            err.printf(Locale.ROOT, "bench: WARNING: load average %.2f (> 0.5): other work shares the CPUs and will move the figures%n", load1);
        }
        Progress progress = new Progress(err, Progress.stderrIsTerminal());
        List<BenchReport> reports = new ArrayList<>();
        boolean failed = false;
        try {
            for (Workload w : workloads) {
                long start = System.nanoTime();
                try {
                    var results = new BenchRunner(w, plan, progress).run();
                    reports.add(new BenchReport(w, plan, results, w.notes()));
                    progress.note("bench: " + w.name() + " took " + Progress.clock((System.nanoTime() - start) / 1e9));
                } catch (RuntimeException e) {
                    failed = true;
                    progress.note("bench: workload " + w.name() + " FAILED: " + e.getMessage());
                    reports.add(new BenchReport(w, plan, new java.util.LinkedHashMap<>(),
                            List.of("FAILED before its figures: " + e.getMessage())));
                }
            }
        } finally {
            JvmChild.closeAll();
            progress.end();
            sampler.interrupt();
        }
        MachineInfo machine;
        synchronized (maxLoad) {
            machine = MachineInfo.collect(load, Math.max(maxLoad[0], MachineInfo.currentLoad1()));
        }
        Files.createDirectories(outDir);
        for (BenchReport r : reports) {
            r.printTable(out, machine);
            String name = r.workload().name();
            String chart = null;
            try {
                BenchChart.write(r, outDir.resolve(name + ".png"));
                if (Files.exists(outDir.resolve(name + ".png"))) chart = name + ".png";
            } catch (Exception | LinkageError e) {
                err.println("bench: no chart for " + name + ": " + e);
            }
            Files.writeString(outDir.resolve(name + ".md"), r.markdown(machine, chart));
            failed |= r.results().values().stream().flatMap(List::stream).anyMatch(c -> c.error() != null && c.unavailable() == null);
        }
        if (plan.profileDir() != null) {
            out.println("Profiles: " + Profiling.summarizeAll(plan.profileDir()) + " processes, collapsed stacks and summaries in "
                    + plan.profileDir());
        }
        List<String> notInstalled = PeerPackages.bench().notInstalled();
        if (!notInstalled.isEmpty()) {
            out.println();
            out.println(PeerPackages.skippedPeersLine(notInstalled));
        }
        out.println();
        out.println("Reports written to " + outDir.toAbsolutePath() + " (" + String.join(", ",
                reports.stream().map(r -> r.workload().name() + ".md/.png").toList()) + ")");
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(json, toJson(machine, reports) + "\n");
            out.println("JSON written to " + json);
        }
        return failed ? 1 : 0;
    }

    /** {"machine": {...}, "plan": {...}, "workloads": {name: {...}}, "results": [...]}, on one line. */
    String toJson(MachineInfo machine, List<BenchReport> reports) {
        ObjectNode doc = Json.object();
        doc.set("machine", machine.toJson());
        ObjectNode p = doc.putObject("plan").put("mode", plan.mode()).put("reps", plan.reps())
                .put("warmup_s", Json.rounded(plan.warmupSeconds())).put("measure_s", Json.rounded(plan.measureSeconds()))
                .put("jvm_warmup_s", Json.rounded(plan.javaWarmupSeconds()));
        if (plan.cpu() < 0) p.putNull("pinned_cpu");
        else p.put("pinned_cpu", plan.cpu());
        ObjectNode workloads = doc.putObject("workloads");
        for (BenchReport r : reports) workloads.set(r.workload().name(), r.jsonWorkload());
        ArrayNode results = doc.putArray("results");
        for (BenchReport r : reports) r.addJsonResults(results);
        return Json.write(doc);
    }
}
