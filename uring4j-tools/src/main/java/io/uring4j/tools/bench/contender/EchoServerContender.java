package io.uring4j.tools.bench.contender;

import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.BenchPoint;
import io.uring4j.tools.bench.Contender;
import io.uring4j.tools.bench.Param;
import io.uring4j.tools.bench.Sample;
import io.uring4j.tools.bench.env.Availability;
import io.uring4j.tools.bench.env.Profiling;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One echo server of the echo workload. The server runs as its own process pinned to the bench
 * CPU; the first measurement at a point starts it and warms it up under the point's own load
 * (the same warm-up for every server: Netty's JIT needs about 10 s), later repetitions at that
 * point reuse the warm server, and the next point (or {@link #close()}, or a failure) stops it.
 * Every wait is bounded: a server that does not listen within {@link #START_TIMEOUT_SECONDS},
 * a client that overruns, a server that ignores SIGTERM (killed after
 * {@link #STOP_TIMEOUT_SECONDS}). The servers also end themselves when the harness dies.
 */
public final class EchoServerContender implements Contender {
    static final long START_TIMEOUT_SECONDS = 60;
    static final long STOP_TIMEOUT_SECONDS = 15;
    /**
     * How long one connection may wait for an echo before the run fails: generous while a JVM
     * server is still cold (interpreted, compiling on the one CPU it is pinned to, which a busy
     * machine shares), strict once it is warm.
     */
    static final double WARMUP_STALL_SECONDS = 30, MEASURE_STALL_SECONDS = 5;
    /** Servers alive right now, killed by a shutdown hook if the harness exits with them still running. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    /**
     * How long every server is driven before its first measurement at a point (the same for all
     * contenders), and the client's own unmeasured lead-in (connecting, filling the pipes) before
     * each measurement.
     */
    public record Timing(double serverWarmupSeconds, double clientWarmupSeconds) {
        public static Timing of(BenchPlan plan) {
            return switch (plan.mode()) {
                case "full" -> new Timing(10, 1);
                case "quick" -> new Timing(1.5, 0.3);
                default -> new Timing(0.3, 0.1);
            };
        }
    }

    /** The server's command line for a port and a lifetime bound in seconds (without the taskset prefix). */
    public interface Command {
        List<String> of(int port, long maxSeconds);
    }

    private final String name;
    private final EchoClient client;
    private final Timing timing;
    private final Availability availability;
    private final Command command;

    private Process server;
    private BenchPoint serverPoint;
    private int port;
    private Path log;

    /**
     * @param availability null if the server can run here, else why not; asked once
     */
    public EchoServerContender(String name, EchoClient client, Timing timing, Supplier<String> availability,
                        Command command) {
        this.name = name;
        this.client = client;
        this.timing = timing;
        this.availability = new Availability(() -> {
            String c = client.unavailableReason();
            return c != null ? "the load client is missing: " + c : availability.get();
        });
        this.command = command;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unavailableReason() {
        return availability.unavailableReason();
    }

    @Override
    public Sample measure(BenchPoint point, BenchPlan plan) throws Exception {
        int connections = point.get(Param.CONNECTIONS);
        int bytes = point.get(Param.MESSAGE_BYTES);
        checkFdLimit(connections);
        try {
            if (server == null || !server.isAlive() || !point.equals(serverPoint)) {
                stopServer();
                startServer(point, plan);
                client.run(port, connections, bytes, 0, timing.serverWarmupSeconds(), server.pid(), clientCpu(plan),
                        WARMUP_STALL_SECONDS);
            }
            EchoClient.Result r = client.run(port, connections, bytes, timing.clientWarmupSeconds(), plan.measureSeconds(),
                    server.pid(), clientCpu(plan), MEASURE_STALL_SECONDS);
            if (!server.isAlive()) throw new IllegalStateException("the server exited during the run");
            return new Sample(r.requestsPerSecond(), r.serverCpuSecondsPerRequest(), Double.NaN, r.p99Micros(),
                    r.clientCpuUtil());
        } catch (Exception e) {
            String tail = serverLogTail();
            stopServer();
            throw new IllegalStateException(e.getMessage() + (tail.isEmpty() ? "" : "; server log: " + tail), e);
        }
    }

    @Override
    public void close() {
        stopServer();
    }

    /** The client runs on the CPU the servers do not use. */
    private static int clientCpu(BenchPlan plan) {
        return plan.cpu() < 0 ? -1 : plan.cpu() == 0 ? 1 : 0;
    }

    private void startServer(BenchPoint point, BenchPlan plan) throws Exception {
        port = freePort();
        log = Files.createTempFile("uring4j-echo-" + name + "-", ".log");
        List<String> cmd = new ArrayList<>(plan.pinPrefix());
        cmd.addAll(command.of(port, lifetimeSeconds(plan)));
        server = new ProcessBuilder(Profiling.withAgent(cmd, plan, "echo-" + name + "-" + point)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LIVE.add(server);
        serverPoint = point;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (true) {
            if (!server.isAlive()) {
                throw new IllegalStateException(name + " server exited with " + server.exitValue() + " before listening");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " server did not listen on port " + port + " within "
                            + START_TIMEOUT_SECONDS + " s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** A bound on one server's life: all repetitions of one point for every contender, doubled. */
    private long lifetimeSeconds(BenchPlan plan) {
        double perRun = timing.clientWarmupSeconds() + plan.measureSeconds() + 10;
        return (long) (2 * (timing.serverWarmupSeconds() + plan.reps() * 8 * perRun)) + 300;
    }

    /** Stops the server (SIGTERM, then SIGKILL) and waits for it, so its port is free again. */
    private void stopServer() {
        Process p = server;
        server = null;
        serverPoint = null;
        if (p == null) return;
        try {
            p.destroy();
            if (!p.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(p);
            try {
                if (log != null) Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    private String serverLogTail() {
        try {
            if (log == null || !Files.exists(log)) return "";
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Each connection is one fd in the client and one in the server; both raise their soft limit to the hard one. */
    static void checkFdLimit(int connections) {
        long hard = hardFdLimit();
        if (hard >= 0 && hard < connections + 128L) {
            throw new IllegalStateException(connections + " connections need about " + (connections + 128)
                    + " file descriptors per process but the hard limit (ulimit -Hn) is " + hard);
        }
    }

    /** The hard RLIMIT_NOFILE of this process (children inherit it), -1 if unknown or unlimited. */
    static long hardFdLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[1].equals("unlimited") ? -1 : Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux-like: let the client report it
        }
        return -1;
    }
}
