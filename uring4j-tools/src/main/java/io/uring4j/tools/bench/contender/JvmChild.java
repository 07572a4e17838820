package io.uring4j.tools.bench.contender;

import com.fasterxml.jackson.databind.JsonNode;
import io.uring4j.tools.Json;
import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.child.BenchChild;
import io.uring4j.tools.bench.env.ChildProcess;
import io.uring4j.tools.bench.env.Profiling;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A long-lived {@link BenchChild} JVM for one Java contender, pinned like every contender, with
 * a fixed pre-touched heap. One per contender name, shared by the workloads of a run (read and
 * direct use the same ones) and closed at the end of the run. The first measurement a child makes
 * gets the plan's JVM warm-up, later ones the ordinary warm-up; its stderr goes to a file whose
 * tail explains a failure.
 */
public final class JvmChild {
    static final List<String> JVM_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
            "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true");
    private static final Map<String, JvmChild> CHILDREN = new LinkedHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(JvmChild::closeAll, "bench-children-reaper"));
    }

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final Path stderr;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(64);
    private boolean warm;

    private JvmChild(String name, BenchPlan plan) throws IOException {
        this.name = name;
        this.stderr = Files.createTempFile("uring4j-bench-" + name + "-", ".err");
        List<String> cmd = new ArrayList<>(plan.pinPrefix());
        cmd.addAll(ChildProcess.java(JVM_FLAGS, BenchChild.class, List.of()));
        process = new ProcessBuilder(Profiling.withAgent(cmd, plan, name)).redirectError(stderr.toFile()).start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofVirtual().name("bench-child-" + name).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) lines.put(line);
            } catch (IOException | InterruptedException e) {
                // the child ended: call() notices the exit
            }
        });
    }

    /** The child of contender {@code name}, started on first use. */
    static synchronized JvmChild of(String name, BenchPlan plan) throws IOException {
        JvmChild c = CHILDREN.get(name);
        if (c == null || !c.process.isAlive()) {
            c = new JvmChild(name, plan);
            CHILDREN.put(name, c);
        }
        return c;
    }

    /** Ends every child (they exit at end of input; a stuck one is killed). */
    public static synchronized void closeAll() {
        for (JvmChild c : CHILDREN.values()) c.close();
        CHILDREN.clear();
    }

    /** Warm-up seconds for the next measurement: the long JVM warm-up the first time, then the short one. */
    double warmupSeconds(BenchPlan plan) {
        return warm ? plan.warmupSeconds() : Math.max(plan.warmupSeconds(), plan.javaWarmupSeconds());
    }

    /**
     * Sends {@code task} with {@code args} and returns the child's JSON answer; throws with the
     * child's reason (or its stderr tail) on an error, an exit or a timeout.
     */
    JsonNode call(String task, Map<String, Object> args, long timeoutSeconds) throws IOException, InterruptedException {
        StringBuilder line = new StringBuilder(task);
        args.forEach((k, v) -> line.append(' ').append(k).append('=').append(URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8)));
        try {
            stdin.write(line.append('\n').toString());
            stdin.flush();
        } catch (IOException e) {
            throw new IOException(name + " child is gone (" + e.getMessage() + "): " + stderrTail());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            String answer = lines.poll(200, TimeUnit.MILLISECONDS);
            if (answer != null && answer.startsWith(BenchChild.RESULT)) {
                warm = true;
                return Json.MAPPER.readTree(answer.substring(BenchChild.RESULT.length()));
            }
            if (answer != null && answer.startsWith(BenchChild.ERROR)) {
                throw new IllegalStateException(answer.substring(BenchChild.ERROR.length()));
            }
            if (answer == null && !process.isAlive()) {
                throw new IOException(name + " child exited with " + process.exitValue() + ": " + stderrTail());
            }
            if (System.nanoTime() > deadline) {
                String tail = stderrTail();
                close();
                throw new IOException(name + " child did not answer within " + timeoutSeconds + " s: " + tail);
            }
        }
    }

    private String stderrTail() {
        try {
            List<String> l = Files.readAllLines(stderr);
            return String.join("\n", l.subList(Math.max(0, l.size() - 8), l.size()));
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }

    private void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(stderr);
        } catch (IOException e) {
            // a temp file; the OS cleans up
        }
    }
}
