package io.uring4j.tools.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code uring4j bench WORKLOAD}: measures uring4j against its C peers, interleaved and pinned,
 * and prints median and p10–p90 per contender, the ratio, and allocation per operation.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark uring4j against C liburing: contenders interleaved rep by rep, each measurement a",
                "fresh pinned process; prints median ops/s with p10-p90, the ratio, and B/op.",
                "Workloads: nop (NOP submit+reap), echo (TCP echo servers on loopback)."})
public final class BenchCommand implements Callable<Integer> {
    /** Every workload the command knows; adding one is adding a {@link Workload} class here. */
    static final List<Workload> WORKLOADS = List.of(new NopWorkload(), new EchoWorkload());

    @Parameters(index = "0", paramLabel = "WORKLOAD", description = "What to measure: nop, echo.")
    String workload;

    @Option(names = "--quick", description = "Batches 1 and 32, 3 reps of 2 s (about a minute for nop).")
    boolean quick;

    @Option(names = "--tiny", description = "A smoke run for CI: 1 rep of 0.3 s per point; checks that everything runs, not speed.")
    boolean tiny;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Option(names = "--reps", paramLabel = "N", description = "Repetitions per contender and point (default: 5, quick 3, tiny 1).")
    Integer reps;

    @Option(names = "--seconds", paramLabel = "S", description = "Seconds per measurement (default: 10, quick 2, tiny 0.3).")
    Double seconds;

    @Option(names = "--batch", split = ",", paramLabel = "N", description = "Batch sizes (default: 1,8,32,128; quick and tiny 1,32).")
    List<Integer> batches;

    @Option(names = "--registered-ring-fd", description = "Register the ring fd in every contender (IORING_REGISTER_RING_FDS).")
    boolean registeredRingFd;

    @Option(names = "--cpu", paramLabel = "N", description = "Pin contenders to CPU N with taskset (default 1 if there are 2+ CPUs; -1: do not pin).")
    Integer cpu;

    @Override
    public Integer call() throws IOException {
        Workload w = WORKLOADS.stream().filter(x -> x.name().equals(workload)).findFirst().orElse(null);
        if (w == null) {
            System.err.println("bench: unknown workload '" + workload + "'; known: "
                    + WORKLOADS.stream().map(Workload::name).collect(Collectors.joining(", ")));
            return 2;
        }
        BenchPlan plan = plan();
        MachineInfo machine = MachineInfo.collect();
        var results = new BenchRunner(w, plan, System.err).run();
        BenchReport report = new BenchReport(w, plan, machine, results);
        report.printTable(System.out);
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(json, report.toJson() + "\n");
            System.out.println("JSON written to " + json);
        }
        boolean failed = results.values().stream().flatMap(List::stream).anyMatch(r -> r.error != null);
        return failed ? 1 : 0;
    }

    private BenchPlan plan() throws IOException {
        String mode = tiny ? "tiny" : quick ? "quick" : "full";
        int r = reps != null ? reps : tiny ? 1 : quick ? 3 : 5;
        double measure = seconds != null ? seconds : tiny ? 0.3 : quick ? 2 : 10;
        double warmup = tiny ? 0.1 : quick ? 1 : 2;
        double jvmWarmup = tiny ? 0.5 : quick ? 2 : 5;
        List<Integer> b = batches != null ? batches : tiny || quick ? List.of(1, 32) : List.of(1, 8, 32, 128);
        return new BenchPlan(mode, r, warmup, measure, jvmWarmup, pinCpu(), workDir(), b, registeredRingFd);
    }

    private int pinCpu() {
        if (cpu != null) return cpu;
        if (!ChildProcess.onPath("taskset")) {
            System.err.println("bench: taskset not found; contenders are not pinned");
            return -1;
        }
        return Runtime.getRuntime().availableProcessors() >= 2 ? 1 : -1;
    }

    /** target/bench beside the tools jar (or classes), where C peers are compiled; a temp dir if that is not writable. */
    private static Path workDir() throws IOException {
        try {
            Path codeSource = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = codeSource.toAbsolutePath().getParent().resolve("bench");
            Files.createDirectories(dir);
            if (Files.isWritable(dir)) return dir;
        } catch (Exception e) {
            // fall through to a temporary directory
        }
        return Files.createTempDirectory("uring4j-bench");
    }
}
