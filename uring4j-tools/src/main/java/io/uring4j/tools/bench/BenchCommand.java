package io.uring4j.tools.bench;

import io.uring4j.tools.bench.env.ChildProcess;
import io.uring4j.tools.bench.env.PeerPackages;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code uring4j bench WORKLOAD}: measures uring4j against its C peers, interleaved and pinned,
 * and prints median and p10–p90 per contender, the ratio, and allocation per operation.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, modelTransformer = BenchCommand.WorkloadHelp.class,
        description = {"Benchmark uring4j against C liburing and its other peers (fio, Netty, the JDK).",
                "Contenders are interleaved rep by rep, each measurement a fresh pinned process; prints median ops/s with"
                        + " p10-p90, the ratio, and B/op."})
public final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandSpec spec;

    /**
     * Every workload the command knows, in the order {@code all} runs them; the help text
     * ({@link WorkloadHelp}) and the dispatch ({@link #call}) read this list, so adding a workload
     * is adding its {@link Workload} class here.
     */
    static final List<Workload> WORKLOADS = List.of(new NopWorkload(), new ReadWorkload(), new DirectWorkload(),
            new CopyWorkload(), new EchoWorkload());
    /** The WORKLOAD that runs every one of {@link #WORKLOADS}. */
    static final String ALL = "all";

    /** The workload's name, or {@link #ALL}; its description is {@link WorkloadHelp}'s. */
    @Parameters(index = "0", arity = "0..1", paramLabel = "WORKLOAD", defaultValue = ALL)
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
            description = "Measure only the points with these parameter values, e.g. --only connections=1000 --only message_bytes=4096.")
    Map<String, String> only = Map.of();

    @Option(names = "--install-peers",
            description = "Install the Debian packages of missing peers (fio, gcc, liburing-dev) with apt-get, as root;"
                    + " without it a missing peer is skipped and reported with the command that installs it.")
    boolean installPeers;

    @Option(names = "--cpu", paramLabel = "N", description = "Pin contenders to CPU N with taskset (default 1 if there are 2+ CPUs; -1: do not pin).")
    Integer cpu;

    @Override
    public Integer call() throws Exception {
        PeerPackages.bench().allowInstalls(installPeers); // before any peer is asked for: each asks once
        List<Workload> chosen = workload.equals(ALL) ? WORKLOADS
                : WORKLOADS.stream().filter(x -> x.name().equals(workload)).toList();
        if (chosen.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown workload '" + workload + "'; known: " + names() + ", " + ALL);
        }
        return new BenchSession(plan(), System.out, System.err).run(chosen, out, json);
    }

    /** The names of {@link #WORKLOADS}: {@code "nop, read, ..."}. */
    private static String names() {
        return WORKLOADS.stream().map(Workload::name).collect(Collectors.joining(", "));
    }

    /**
     * Writes the workloads into the help, from {@link #WORKLOADS}: a line naming each with its
     * {@link Workload#summary()}, and the choices of the WORKLOAD parameter.
     */
    static final class WorkloadHelp implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            List<String> description = new ArrayList<>(List.of(spec.usageMessage().description()));
            description.add("Workloads: " + WORKLOADS.stream().map(w -> w.name() + " (" + w.summary() + ")")
                    .collect(Collectors.joining(", ")) + ", " + ALL
                    + ". Writes a Markdown report and a PNG chart per workload under --out.");
            spec.usageMessage().description(description.toArray(String[]::new));
            PositionalParamSpec param = spec.positionalParameters().getFirst();
            spec.remove(param);
            spec.addPositional(PositionalParamSpec.builder(param)
                    .description("What to measure: " + names() + ", or " + ALL + " of them (default).").build());
            return spec;
        }
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
