package io.uring4j.tools.bench.env;

import io.uring4j.tools.bench.BenchPlan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code bench --profile}: every Java contender process (bench children, echo servers, JMH
 * children) runs under async-profiler's agent, sampling CPU time (user and kernel) and writing
 * collapsed stacks when it exits; at the end of the run each stack file gets a plain-text summary
 * beside it (where the CPU went by layer, then the hottest frames). The collapsed files open in
 * any flame-graph viewer (speedscope, flamegraph.pl). The agent comes from the async-profiler
 * jar on the class path (Maven Central), unpacked once into the work directory.
 */
public final class Profiling {
    private static final String LIBRARY = "linux-x64/libasyncProfiler.so";
    private static final int TOP = 30;

    private Profiling() {}

    /**
     * Inserts the agent's options after the {@code java} executable of {@code cmd} when the plan
     * profiles; {@code label} names the output ({@code label-PID.collapsed}). A command that runs
     * no JVM is returned as it is.
     */
    public static List<String> withAgent(List<String> cmd, BenchPlan plan, String label) {
        if (plan.profileDir() == null) return cmd;
        int java = -1;
        for (int i = 0; i < cmd.size(); i++) {
            if (cmd.get(i).endsWith("/bin/java")) java = i;
        }
        if (java < 0) return cmd; // a C peer: profile it with perf record -p if needed
        Path out = plan.profileDir().resolve(label.replaceAll("[^A-Za-z0-9_.-]", "_") + "-%p.collapsed");
        if (out.toString().contains(",")) {
            throw new IllegalArgumentException("the profile directory must not contain a comma (agent option syntax): " + out);
        }
        List<String> result = new ArrayList<>(cmd);
        result.addAll(java + 1, List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints",
                "-agentpath:" + library(plan.workDir()) + "=start,event=cpu,interval=1ms,ann,file=" + out));
        return result;
    }

    private static synchronized Path library(Path workDir) {
        Path lib = workDir.resolve("libasyncProfiler.so");
        try (InputStream in = Profiling.class.getClassLoader().getResourceAsStream(LIBRARY)) {
            if (in == null) throw new IllegalStateException("async-profiler (" + LIBRARY + ") is not on the class path");
            if (!Files.exists(lib)) {
                Path tmp = Files.createTempFile(workDir, "libasyncProfiler", ".so");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE);
            }
            return lib;
        } catch (IOException e) {
            throw new UncheckedIOException("unpacking async-profiler into " + workDir, e);
        }
    }

    /** Writes {@code X.txt} beside every {@code X.collapsed} in {@code dir}; returns how many. */
    public static int summarizeAll(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        List<Path> stacks;
        try (Stream<Path> s = Files.list(dir)) {
            stacks = s.filter(p -> p.toString().endsWith(".collapsed")).sorted().toList();
        }
        for (Path p : stacks) {
            String name = p.getFileName().toString();
            Files.writeString(dir.resolve(name.substring(0, name.length() - ".collapsed".length()) + ".txt"),
                    summary(name, Files.readAllLines(p)));
        }
        return stacks.size();
    }

    /**
     * Samples by layer (kernel, the JVM and native code, Java), then the {@value #TOP} frames with
     * the most self samples and the {@value #TOP} uring4j frames with the most total samples.
     */
    static String summary(String title, List<String> collapsed) {
        long total = 0;
        long[] layers = new long[3];
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        for (String line : collapsed) {
            int space = line.lastIndexOf(' ');
            if (space < 0) continue;
            long n = Long.parseLong(line.substring(space + 1).strip());
            String[] frames = line.substring(0, space).split(";");
            total += n;
            String leaf = frames[frames.length - 1];
            layers[layer(leaf)] += n;
            self.merge(leaf, n, Long::sum);
            Set<String> methods = new HashSet<>();
            for (String f : frames) {
                if (f.startsWith("io/uring4j/")) methods.add(f.replaceFirst("_\\[.]$", ""));
            }
            for (String m : methods) inclusive.merge(m, n, Long::sum);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(title).append(": ").append(total).append(" CPU samples of 1 ms (async-profiler, event=cpu)\n");
        if (total == 0) return sb.toString();
        String[] names = {"kernel", "JVM and native", "Java"};
        for (int i = 0; i < 3; i++) sb.append(String.format(Locale.ROOT, "  %-15s %5.1f %%%n", names[i], 100.0 * layers[i] / total));
        sb.append("\nself samples, top ").append(TOP).append(":\n");
        appendTop(sb, self, total);
        sb.append("\nuring4j frames, total samples (self and callees), top ").append(TOP).append(":\n");
        appendTop(sb, inclusive, total);
        return sb.toString();
    }

    /** async-profiler's frame suffixes: _[k] kernel, _[j] _[i] _[0] _[1] Java (compiled, inlined, interpreted, C1). */
    private static int layer(String frame) {
        if (frame.endsWith("_[k]")) return 0;
        if (frame.endsWith("_[j]") || frame.endsWith("_[i]") || frame.endsWith("_[0]") || frame.endsWith("_[1]")) return 2;
        return 1;
    }

    private static void appendTop(StringBuilder sb, Map<String, Long> counts, long total) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(TOP)
                .forEach(e -> sb.append(String.format(Locale.ROOT, "  %5.1f %%  %s%n", 100.0 * e.getValue() / total, e.getKey())));
    }
}
