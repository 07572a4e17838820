package io.uring4j.tools.bench.contender;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.uring4j.tools.Json;
import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.env.CProgram;
import io.uring4j.tools.bench.env.ChildProcess;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one load client of the echo workload, {@code echo_client.c} (epoll, every byte checked),
 * compiled at bench time like the other C peers and run pinned to the CPU the servers do not use.
 * It also reads the server's CPU time from {@code /proc/PID/stat} at the edges of its measured
 * window, so client and server figures cover exactly the same interval.
 */
public final class EchoClient {
    /** One run: the measured window's figures. */
    record Result(double requestsPerSecond, long requests, double p99Micros, double clientCpuUtil, double serverCpuSeconds) {
        /** The server's CPU seconds per request, NaN without requests. */
        double serverCpuSecondsPerRequest() {
            return requests > 0 ? serverCpuSeconds / requests : Double.NaN;
        }
    }

    private final CProgram binary;

    /** The client built in {@code workDir} (when first asked for). */
    public EchoClient(Path workDir) {
        this.binary = new CProgram("echo_client", workDir);
    }

    /** Where the client is built. */
    public Path workDir() {
        return binary.workDir();
    }

    /** Null if the client can be built here, else why not (compiles it the first time). */
    String unavailableReason() {
        return binary.unavailableReason();
    }

    /**
     * Drives the server on {@code port} with {@code connections} × {@code bytes} ping-pong for
     * {@code warmup} + {@code seconds}, pinned to {@code cpu} (-1: not pinned); {@code serverPid}
     * is the process whose CPU time is read over the measured window; the run fails if a
     * connection waits more than {@code stallSeconds} for an echo.
     */
    Result run(int port, int connections, int bytes, double warmup, double seconds, long serverPid, int cpu,
               double stallSeconds) throws Exception {
        Path program = binary.binary();
        List<String> cmd = new ArrayList<>();
        if (cpu >= 0) cmd.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
        cmd.addAll(List.of(program.toString(), "-c", Integer.toString(connections), "-s", Integer.toString(bytes),
                "-w", BenchPlan.secondsArg(warmup), "-d", BenchPlan.secondsArg(seconds),
                "--server-pid=" + serverPid, "--stall=" + BenchPlan.secondsArg(stallSeconds), Integer.toString(port)));
        ChildProcess.Output o = ChildProcess.run(cmd, (long) (warmup + seconds + stallSeconds) + 90);
        if (o.exitCode() != 0) {
            String what = o.exitCode() == 3 ? "DATA MISMATCH: " : "exited with " + o.exitCode() + ": ";
            throw new IllegalStateException("echo_client " + what + o.stderrTail().replace('\n', ' '));
        }
        Map<String, Double> f = parse(o.stdout());
        for (String key : List.of("requests_per_s", "requests", "p99_us", "client_cpu_util", "server_cpu_s")) {
            if (!f.containsKey(key)) throw new IllegalStateException("echo_client printed no " + key + ": " + o.stdout().strip());
        }
        return new Result(f.get("requests_per_s"), Math.round(f.get("requests")), f.get("p99_us"),
                f.get("client_cpu_util"), f.get("server_cpu_s"));
    }

    /** The numeric fields of the client's JSON line (the last line of {@code stdout} that is an object). */
    static Map<String, Double> parse(String stdout) {
        String line = stdout.lines().map(String::strip).filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("echo_client printed no JSON: " + stdout.strip()));
        JsonNode doc;
        try {
            doc = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("echo_client printed no valid JSON (" + e.getOriginalMessage() + "): " + line);
        }
        Map<String, Double> fields = new HashMap<>();
        for (Map.Entry<String, JsonNode> f : doc.properties()) {
            if (f.getValue().isNumber()) fields.put(f.getKey(), f.getValue().doubleValue());
        }
        return fields;
    }
}
