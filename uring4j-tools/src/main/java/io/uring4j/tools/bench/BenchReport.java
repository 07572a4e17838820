package io.uring4j.tools.bench;

import io.uring4j.tools.Json;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results of one run as a text table and as JSON. */
final class BenchReport {
    private final Workload workload;
    private final BenchPlan plan;
    private final MachineInfo machine;
    private final Map<BenchPoint, List<ContenderResult>> results;

    BenchReport(Workload workload, BenchPlan plan, MachineInfo machine, Map<BenchPoint, List<ContenderResult>> results) {
        this.workload = workload;
        this.plan = plan;
        this.machine = machine;
        this.results = results;
    }

    /** Millions with two decimals ({@code 2.15M}), thousands below a million ({@code 137.2k}). */
    static String rate(double opsPerSecond) {
        if (Double.isNaN(opsPerSecond)) return "-";
        return opsPerSecond >= 1e6 ? String.format(Locale.ROOT, "%.2fM", opsPerSecond / 1e6)
                : String.format(Locale.ROOT, "%.1fk", opsPerSecond / 1e3);
    }

    /**
     * One row per point: its parameters, each contender's median ops/s with the p10–p90 spread,
     * the subject's median over the first peer's, each contender's median CPU time per
     * operation and the same ratio computed from CPU time, and the subject's allocation per
     * operation.
     */
    void printTable(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "%s: %s%n", workload.name(), workload.description());
        out.printf(Locale.ROOT, "%s mode: %d reps interleaved, %.1f s per measurement after %.1f s warm-up (JVM: %.1f s), %s%n",
                plan.mode(), plan.reps(), plan.measureSeconds(), plan.warmupSeconds(), plan.javaWarmupSeconds(),
                plan.cpu() < 0 ? "not pinned" : "pinned with taskset -c " + plan.cpu());
        out.printf("machine: %s, %d CPUs (%s), %s, liburing %s%n", machine.kernel(), machine.cpus(), machine.cpuModel(),
                machine.jdk(), machine.liburing());
        if (results.isEmpty()) return;
        List<ContenderResult> first = results.values().iterator().next();
        StringBuilder header = new StringBuilder();
        for (String key : results.keySet().iterator().next().params().keySet()) {
            header.append(String.format("%-" + width(key) + "s  ", key));
        }
        for (ContenderResult r : first) {
            header.append(String.format("%-28s  ", r.contender + " ops/s (p10-p90)"));
        }
        header.append("ratio  ");
        for (ContenderResult r : first) {
            header.append(String.format("%-" + cpuWidth(r) + "s  ", r.contender + " CPU ns/op"));
        }
        header.append("CPU ratio  B/op");
        out.println(header);
        for (Map.Entry<BenchPoint, List<ContenderResult>> e : results.entrySet()) {
            StringBuilder row = new StringBuilder();
            e.getKey().params().forEach((k, v) -> row.append(String.format("%-" + width(k) + "s  ", v)));
            for (ContenderResult r : e.getValue()) {
                row.append(String.format("%-28s  ", cell(r)));
            }
            row.append(String.format(Locale.ROOT, "%-5s  ", ratio(e.getValue())));
            for (ContenderResult r : e.getValue()) {
                row.append(String.format(Locale.ROOT, "%-" + cpuWidth(r) + "s  ", nanos(r.medianCpuSecondsPerOp())));
            }
            row.append(String.format(Locale.ROOT, "%-9s  %s", cpuRatio(e.getValue()), bytes(e.getValue().get(0).medianBytesPerOp())));
            out.println(row);
        }
        for (List<ContenderResult> rs : results.values()) {
            for (ContenderResult r : rs) {
                if (r.unavailable != null) out.println("MISSING " + r.contender + ": " + r.unavailable);
                if (r.error != null) out.println("FAILED " + r.contender + ": " + r.error);
            }
        }
        printLatencyAndClient(out);
        List<ContenderResult> anyRow = first;
        if (anyRow.size() > 1) {
            out.println("ratio = " + anyRow.get(0).contender + " median ops/s / " + anyRow.get(1).contender
                    + " median ops/s; CPU ratio = the same from CPU time per op (" + anyRow.get(1).contender + " / "
                    + anyRow.get(0).contender + "), steadier on a shared machine; CPU = whole process, user + system;");
            out.println("B/op = " + anyRow.get(0).contender + " allocation per operation (JMH gc.alloc.rate.norm / batch)");
        }
    }

    /** Where contenders report latency and a load client (echo): p99 and client CPU per point. */
    private void printLatencyAndClient(PrintStream out) {
        boolean any = results.values().stream().flatMap(List::stream).anyMatch(r -> !Double.isNaN(r.medianP99Micros()));
        if (!any) return;
        for (Map.Entry<BenchPoint, List<ContenderResult>> e : results.entrySet()) {
            StringBuilder line = new StringBuilder("p99 us / client CPU at ").append(e.getKey()).append(':');
            for (ContenderResult r : e.getValue()) {
                line.append(String.format(Locale.ROOT, "  %s %.0f / %.0f%%", r.contender, r.medianP99Micros(),
                        100 * r.medianClientCpuUtil()));
            }
            out.println(line);
        }
        out.println("! = client-bound: the load client used more than " + Math.round(100 * ContenderResult.CLIENT_BOUND_UTIL)
                + "% of its core, so req/s shows the client's limit and CPU per op is the fair figure");
    }

    private static int width(String key) {
        return Math.max(key.length(), 5);
    }

    private static String cell(ContenderResult r) {
        if (r.unavailable != null) return "MISSING";
        if (r.samples.isEmpty()) return r.error != null ? "FAILED" : "-";
        return rate(r.medianRate()) + " (" + rate(r.quantileRate(0.1)) + "-" + rate(r.quantileRate(0.9)) + ")"
                + (r.clientBound() ? "!" : "");
    }

    private static String ratio(List<ContenderResult> row) {
        if (row.size() < 2) return "-";
        double a = row.get(0).medianRate(), b = row.get(1).medianRate();
        return Double.isNaN(a) || Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    private static int cpuWidth(ContenderResult r) {
        return r.contender.length() + 10;
    }

    private static String nanos(double seconds) {
        return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.1f", seconds * 1e9);
    }

    /** Efficiency of the subject relative to the first peer: peer CPU per op over subject CPU per op. */
    private static String cpuRatio(List<ContenderResult> row) {
        if (row.size() < 2) return "-";
        double subject = row.get(0).medianCpuSecondsPerOp(), peer = row.get(1).medianCpuSecondsPerOp();
        return Double.isNaN(subject) || Double.isNaN(peer) ? "-" : String.format(Locale.ROOT, "%.2f", peer / subject);
    }

    private static String bytes(double b) {
        return Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.2f", b);
    }

    /** The JSON document of the run (schema in docs/benchmarks.md). */
    String toJson() {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"machine\":").append(machine.toJson());
        sb.append(String.format(Locale.ROOT, ",\"plan\":{\"mode\":%s,\"reps\":%d,\"warmup_s\":%s,\"measure_s\":%s,\"jvm_warmup_s\":%s,\"pinned_cpu\":%s}",
                Json.str(plan.mode()), plan.reps(), num(plan.warmupSeconds()), num(plan.measureSeconds()),
                num(plan.javaWarmupSeconds()), plan.cpu() < 0 ? "null" : Integer.toString(plan.cpu())));
        sb.append(",\"results\":[");
        boolean firstEntry = true;
        for (Map.Entry<BenchPoint, List<ContenderResult>> e : results.entrySet()) {
            for (ContenderResult r : e.getValue()) {
                if (!firstEntry) sb.append(',');
                firstEntry = false;
                sb.append("{\"workload\":").append(Json.str(workload.name())).append(",\"params\":{");
                boolean firstParam = true;
                for (Map.Entry<String, Object> p : e.getKey().params().entrySet()) {
                    if (!firstParam) sb.append(',');
                    firstParam = false;
                    sb.append(Json.str(p.getKey())).append(':')
                            .append(p.getValue() instanceof String s ? Json.str(s) : String.valueOf(p.getValue()));
                }
                sb.append("},\"contender\":").append(Json.str(r.contender));
                sb.append(",\"median_ops_per_s\":").append(num(r.medianRate()));
                sb.append(",\"p10_ops_per_s\":").append(num(r.quantileRate(0.1)));
                sb.append(",\"p90_ops_per_s\":").append(num(r.quantileRate(0.9)));
                sb.append(",\"cpu_s_per_op\":").append(num(r.medianCpuSecondsPerOp()));
                sb.append(",\"p99_us\":").append(num(r.medianP99Micros()));
                sb.append(",\"client_cpu_util\":").append(num(r.medianClientCpuUtil()));
                sb.append(",\"alloc_bytes_per_op\":").append(num(r.medianBytesPerOp()));
                sb.append(",\"samples_ops_per_s\":[");
                for (int i = 0; i < r.samples.size(); i++) {
                    if (i > 0) sb.append(',');
                    sb.append(num(r.samples.get(i).opsPerSecond()));
                }
                sb.append(']');
                if (r.unavailable != null) sb.append(",\"unavailable\":").append(Json.str(r.unavailable));
                if (r.error != null) sb.append(",\"error\":").append(Json.str(r.error));
                sb.append('}');
            }
        }
        return sb.append("]}").toString();
    }

    /** A JSON number, or null for NaN. */
    private static String num(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return "null";
        return java.math.BigDecimal.valueOf(d).round(new java.math.MathContext(9)).stripTrailingZeros().toPlainString();
    }
}
