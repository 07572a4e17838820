package io.uring4j.tools.bench;

import io.uring4j.tools.bench.env.ChildProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code uring4j bench WORKLOAD}: measures uring4j against its C peers, interleaved and pinned,
 * and prints median and p10–p90 per contender, the ratio, and allocation per operation.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark uring4j against C liburing: contenders interleaved rep by rep, each measurement a",
                "fresh pinned process; prints median ops/s with p10-p90, the ratio, and B/op.",
                "Workloads: nop (NOP submit+reap), read (page-cache 4 KiB random reads), direct (O_DIRECT reads),",
                "copy (sequential file copy), echo (TCP echo servers on loopback), all. Writes a Markdown report and a PNG chart per workload under --out."})
public final class BenchCommand implements Callable<Integer> {
    /** Every workload the command knows; adding one is adding a {@link Workload} class here. */
    static final List<Workload> WORKLOADS = List.of(new NopWorkload(), new ReadWorkload(), new DirectWorkload(),
            new CopyWorkload(), new EchoWorkload());

    @Parameters(index = "0", arity = "0..1", paramLabel = "WORKLOAD", defaultValue = "all",
            description = "What to measure: nop, read, direct, copy, echo, or all of them (default).")
    String workload;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
            description = "Where the Markdown reports and PNG charts go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "Fewer points, 3 reps of 0.25 s: every workload ('all') in under 2 minutes.")
    boolean quick;

    @Option(names = "--tiny", description = "A smoke run for CI: small files, 1 rep of 0.2 s per point; checks that everything runs, not speed.")
    boolean tiny;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Option(names = "--reps", paramLabel = "N", description = "Repetitions per contender and point (default: 5, quick 3, tiny 1).")
    Integer reps;

    @Option(names = "--seconds", paramLabel = "S", description = "Seconds per measurement (default: 5, quick 0.25, tiny 0.2).")
    Double seconds;

    @Option(names = "--batch", split = ",", paramLabel = "N", description = "Batch sizes (default: 1,8,32,128; quick and tiny 1,32).")
    List<Integer> batches;

    @Option(names = "--registered-ring-fd", description = "Register the ring fd in every contender (IORING_REGISTER_RING_FDS).")
    boolean registeredRingFd;

    @Option(names = "--profile", description = "Run every Java contender under async-profiler (CPU, user and kernel): "
            + "collapsed stacks and a text summary per process under --out/profiles.")
    boolean profile;

    @Option(names = "--only", split = ",", paramLabel = "KEY=VALUE",
            description = "Measure only the points with these parameter values, e.g. --only connections=1000,message_bytes=4096.")
    Map<String, String> only = Map.of();

    @Option(names = "--cpu", paramLabel = "N", description = "Pin contenders to CPU N with taskset (default 1 if there are 2+ CPUs; -1: do not pin).")
    Integer cpu;

    @Override
    public Integer call() throws Exception {
        List<Workload> chosen = workload.equals("all") ? WORKLOADS
                : WORKLOADS.stream().filter(x -> x.name().equals(workload)).toList();
        if (chosen.isEmpty()) {
            System.err.println("bench: unknown workload '" + workload + "'; known: "
                    + WORKLOADS.stream().map(Workload::name).collect(Collectors.joining(", ")) + ", all");
            return 2;
        }
        return new BenchSession(plan(), System.out, System.err).run(chosen, out, json);
    }

    private BenchPlan plan() throws IOException {
        String mode = tiny ? "tiny" : quick ? "quick" : "full";
        int r = reps != null ? reps : tiny ? 1 : quick ? 3 : 5;
        double measure = seconds != null ? seconds : tiny ? 0.2 : quick ? 0.25 : 5;
        double warmup = tiny ? 0.1 : quick ? 0.1 : 1;
        double jvmWarmup = tiny ? 0.3 : quick ? 1.5 : 5;
        List<Integer> b = batches != null ? batches : tiny || quick ? List.of(1, 32) : List.of(1, 8, 32, 128);
        Path profiles = null;
        if (profile) {
            profiles = out.toAbsolutePath().resolve("profiles");
            Files.createDirectories(profiles);
        }
        return new BenchPlan(mode, r, warmup, measure, jvmWarmup, pinCpu(), workDir(), b, registeredRingFd, profiles, only);
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
