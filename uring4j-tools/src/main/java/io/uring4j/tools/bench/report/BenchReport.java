package io.uring4j.tools.bench.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uring4j.tools.Json;
import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.BenchPoint;
import io.uring4j.tools.bench.Workload;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one workload: a text table (console), a Markdown table (the report) and the
 * JSON entries. One row per point and contender: median with the p10–p90 spread, the ratio of
 * each uring4j contender's median to this row's, CPU time per operation, p99 latency and
 * allocation per operation where known.
 */
public final class BenchReport {
    private final Workload workload;
    private final BenchPlan plan;
    private final Map<BenchPoint, List<ContenderResult>> results;
    private final List<String> notes;

    /** The report of {@code workload}'s {@code results} (one list per point, subject first), with its notes. */
    public BenchReport(Workload workload, BenchPlan plan, Map<BenchPoint, List<ContenderResult>> results, List<String> notes) {
        this.workload = workload;
        this.plan = plan;
        this.results = results;
        this.notes = List.copyOf(notes);
    }

    /** The workload reported. */
    public Workload workload() {
        return workload;
    }

    /** The plan the figures were measured with (its mode marks quick and tiny charts). */
    public BenchPlan plan() {
        return plan;
    }

    /** The results, point by point, in the order measured. */
    public Map<BenchPoint, List<ContenderResult>> results() {
        return results;
    }

    List<String> notes() {
        return notes;
    }

    /** A rate in three significant figures with k/M: {@code 612k}, {@code 2.15M}, {@code 845}. NaN: "-". */
    public static String rate(double v) {
        if (Double.isNaN(v)) return "-";
        if (v >= 1e6) return String.format(Locale.ROOT, "%.3gM", v / 1e6);
        if (v >= 1e4) return String.format(Locale.ROOT, "%.3gk", v / 1e3);
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.3g", v);
    }

    /** A duration in seconds with a unit that keeps three significant figures: 456 ns, 1.23 us, 4.50 ms. */
    static String duration(double seconds) {
        if (Double.isNaN(seconds)) return "-";
        if (seconds < 1e-6) return String.format(Locale.ROOT, "%.0f ns", seconds * 1e9);
        if (seconds < 1e-3) return String.format(Locale.ROOT, "%.3g us", seconds * 1e6);
        if (seconds < 1) return String.format(Locale.ROOT, "%.3g ms", seconds * 1e3);
        return String.format(Locale.ROOT, "%.3g s", seconds);
    }

    /** The contenders whose ratios the table shows: every uring4j one, in row order. */
    private List<String> subjects() {
        List<String> s = new ArrayList<>();
        if (results.isEmpty()) return s;
        for (ContenderResult r : results.values().iterator().next()) {
            if (r.contender().startsWith("uring4j")) s.add(r.contender());
        }
        return s;
    }

    /** The table's rows as cells: header first. */
    private List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        if (results.isEmpty()) return rows;
        List<String> subjects = subjects();
        List<String> header = new ArrayList<>(results.keySet().iterator().next().params().keySet());
        header.addAll(List.of("contender", "median " + workload.unit(), "p10-p90"));
        for (String s : subjects) header.add(s + " x");
        header.addAll(List.of("CPU/op", "p99 us", "B/op"));
        rows.add(header);
        for (Map.Entry<BenchPoint, List<ContenderResult>> e : results.entrySet()) {
            for (ContenderResult r : e.getValue()) {
                List<String> row = new ArrayList<>();
                e.getKey().params().values().forEach(v -> row.add(String.valueOf(v)));
                row.add(r.contender());
                if (r.unavailable() != null || r.samples().isEmpty()) {
                    row.add(r.unavailable() != null ? "MISSING" : r.error() != null ? "FAILED" : "-");
                    while (row.size() < header.size()) row.add("");
                } else {
                    row.add(rate(r.medianRate()) + (r.clientBound() ? " (client-bound)" : ""));
                    row.add(rate(r.quantileRate(0.1)) + "-" + rate(r.quantileRate(0.9)));
                    for (String s : subjects) row.add(ratio(find(e.getValue(), s), r));
                    row.add(duration(r.medianCpuSecondsPerOp()));
                    double p99 = r.medianP99Micros();
                    row.add(Double.isNaN(p99) ? "-" : String.format(Locale.ROOT, "%.1f", p99));
                    double b = r.medianBytesPerOp();
                    row.add(Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.1f", b));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static ContenderResult find(List<ContenderResult> row, String contender) {
        return row.stream().filter(r -> r.contender().equals(contender)).findFirst().orElseThrow();
    }

    /** subject median / peer median, "-" when either is unknown. */
    private static String ratio(ContenderResult subject, ContenderResult peer) {
        double a = subject.medianRate(), b = peer.medianRate();
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    /** Header lines shared by the console and the Markdown report. */
    private List<String> preamble(MachineInfo machine) {
        List<String> l = new ArrayList<>();
        l.add(String.format(Locale.ROOT, "%s mode: %d reps interleaved, %s s per measurement after %s s warm-up (a JVM's first: %s s), %s",
                plan.mode(), plan.reps(), plan.measureSeconds(), plan.warmupSeconds(), plan.javaWarmupSeconds(),
                plan.cpu() < 0 ? "not pinned" : "every contender pinned to CPU " + plan.cpu() + " (taskset)"));
        l.add("machine: " + machine.summary());
        return l;
    }

    private List<String> legend() {
        List<String> l = new ArrayList<>();
        l.add("median and p10-p90 over the repetitions; 'uring4j-... x' = that contender's median / this row's median;");
        l.add("CPU/op = process CPU (user + system, all threads) per op over the measured window; p99 = median of the"
                + " repetitions' p99 latency where the contender measures it; B/op = Java heap allocation per op.");
        java.util.Set<String> missing = new java.util.LinkedHashSet<>();
        for (Map.Entry<BenchPoint, List<ContenderResult>> e : results.entrySet()) {
            for (ContenderResult r : e.getValue()) {
                if (r.unavailable() != null) missing.add("MISSING " + r.contender() + ": " + r.unavailable());
                else if (r.error() != null) l.add("FAILED " + r.contender() + " at " + e.getKey() + ": " + r.error());
            }
        }
        l.addAll(2, missing);
        return l;
    }

    /** Prints the workload's heading, table, legend and notes (the console's view). */
    public void printTable(PrintStream out, MachineInfo machine) {
        out.println();
        out.printf(Locale.ROOT, "== %s: %s%n", workload.name(), workload.description());
        preamble(machine).forEach(out::println);
        List<List<String>> rows = rows();
        if (!rows.isEmpty()) {
            int[] w = new int[rows.get(0).size()];
            for (List<String> row : rows) {
                for (int i = 0; i < row.size(); i++) w[i] = Math.max(w[i], row.get(i).length());
            }
            int r = 0;
            for (List<String> row : rows) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < row.size(); i++) sb.append(String.format("%-" + w[i] + "s  ", row.get(i)));
                out.println(sb.toString().stripTrailing());
                if (r++ == 0) out.println("-".repeat(sb.toString().stripTrailing().length()));
            }
        }
        legend().forEach(out::println);
        notes.forEach(n -> out.println("note: " + n));
    }

    /** The Markdown report of this workload, with its chart if one was drawn. */
    public String markdown(MachineInfo machine, String chartFile) {
        StringBuilder md = new StringBuilder();
        md.append("# uring4j bench: ").append(workload.name()).append("\n\n").append(workload.description()).append("\n\n");
        preamble(machine).forEach(l -> md.append("- ").append(l).append('\n'));
        md.append('\n');
        List<List<String>> rows = rows();
        for (int i = 0; i < rows.size(); i++) {
            md.append("| ").append(String.join(" | ", rows.get(i).stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
            if (i == 0) md.append("|").append(" --- |".repeat(rows.get(0).size())).append('\n');
        }
        md.append('\n');
        legend().forEach(l -> md.append("- ").append(l).append('\n'));
        notes.forEach(n -> md.append("- note: ").append(n).append('\n'));
        if (chartFile != null) md.append("\n![").append(workload.name()).append("](").append(chartFile).append(")\n");
        return md.toString();
    }

    /** Adds this workload's entries to the JSON {@code results} array: one per point and contender. */
    public void addJsonResults(ArrayNode out) {
        for (Map.Entry<BenchPoint, List<ContenderResult>> e : results.entrySet()) {
            for (ContenderResult r : e.getValue()) {
                ObjectNode o = out.addObject().put("workload", workload.name());
                ObjectNode params = o.putObject("params");
                e.getKey().params().forEach((k, v) -> params.set(k, Json.MAPPER.valueToTree(v)));
                o.put("contender", r.contender());
                o.put("median_ops_per_s", Json.rounded(r.medianRate()));
                o.put("p10_ops_per_s", Json.rounded(r.quantileRate(0.1)));
                o.put("p90_ops_per_s", Json.rounded(r.quantileRate(0.9)));
                o.put("cpu_s_per_op", Json.rounded(r.medianCpuSecondsPerOp()));
                o.put("p99_us", Json.rounded(r.medianP99Micros()));
                o.put("client_cpu_util", Json.rounded(r.medianClientCpuUtil()));
                o.put("alloc_bytes_per_op", Json.rounded(r.medianBytesPerOp()));
                ArrayNode samples = o.putArray("samples_ops_per_s");
                r.samples().forEach(sample -> samples.add(Json.rounded(sample.opsPerSecond())));
                if (r.unavailable() != null) o.put("unavailable", r.unavailable());
                if (r.error() != null) o.put("error", r.error());
            }
        }
    }

    /** This workload's entry of the JSON {@code workloads} object (what the figures mean). */
    public ObjectNode jsonWorkload() {
        ObjectNode o = Json.object().put("description", workload.description()).put("unit", workload.unit());
        ArrayNode n = o.putArray("notes");
        notes.forEach(n::add);
        return o;
    }
}
