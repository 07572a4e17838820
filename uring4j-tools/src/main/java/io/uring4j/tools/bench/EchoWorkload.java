package io.uring4j.tools.bench;

import io.uring4j.tools.Main;
import io.uring4j.tools.bench.contender.EchoClient;
import io.uring4j.tools.bench.contender.EchoServerContender;
import io.uring4j.tools.bench.echo.NettyEchoServer;
import io.uring4j.tools.bench.echo.NioEchoServer;
import io.uring4j.tools.bench.env.Availability;
import io.uring4j.tools.bench.env.CProgram;
import io.uring4j.tools.bench.env.ChildProcess;

import java.util.ArrayList;
import java.util.List;

/**
 * Workload E: TCP echo on loopback. Each server runs pinned to the bench CPU (1), the one lean C
 * load client ({@code echo_client.c}: epoll, N connections each ping-ponging one S-byte message,
 * every byte checked) to the other CPU (0). Contenders: the uring4j runtime's
 * {@code echo-server} (one event loop), the project's C liburing server (the ceiling), Netty
 * 4.2's io_uring and epoll transports (one event loop), and a one-thread JDK NIO selector
 * server. Figures: requests/s, the server's CPU seconds per request (all its threads, from
 * /proc/PID/stat: the fair figure when the client saturates first), the client's CPU (a cell
 * above 90 % is client-bound) and the p99 round trip.
 */
public final class EchoWorkload implements Workload {
    /**
     * JVM flags every Java server gets, the same for all: a fixed pre-touched heap, native
     * access, and what Netty needs on JDK 25 for its fast paths (Unsafe memory access, the
     * add-opens of its direct-buffer tricks); the others ignore what they do not use.
     */
    static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch",
            "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
            "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Dio.netty.tryReflectionSetAccessible=true");

    private EchoClient client;

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String summary() {
        return "TCP echo servers on loopback";
    }

    @Override
    public String description() {
        return "TCP echo ping-pong on loopback, server on the bench CPU, C epoll client on the other; req/s,"
                + " server CPU ns per request, p99; every server warmed under load first (10 s full, 1.5 s quick)";
    }

    @Override
    public List<BenchPoint> points(BenchPlan plan) {
        List<BenchPoint> points = new ArrayList<>();
        switch (plan.mode()) {
            case "full" -> {
                for (int c : new int[] {1, 100, 1000}) {
                    for (int b : new int[] {64, 4096}) points.add(point(c, b));
                }
            }
            case "quick" -> points.add(point(100, 64)); // one point keeps 'all --quick' within 2 minutes
            default -> points.add(point(10, 64));
        }
        return points;
    }

    private static BenchPoint point(int connections, int bytes) {
        return BenchPoint.NONE.with(Param.CONNECTIONS, connections).with(Param.MESSAGE_BYTES, bytes);
    }

    @Override
    public Contender subject(BenchPlan plan) {
        return new EchoServerContender("uring4j-runtime", client(plan), EchoServerContender.Timing.of(plan),
                Availability::ioUring,
                (port, max) -> java(Main.class, "echo-server", "--port", Integer.toString(port), "--loops", "1",
                        "--max-seconds", Long.toString(max)));
    }

    @Override
    public List<Contender> peers(BenchPlan plan) {
        EchoClient c = client(plan);
        EchoServerContender.Timing t = EchoServerContender.Timing.of(plan);
        CProgram server = new CProgram("echo_server", plan.workDir());
        return List.of(
                new EchoServerContender("liburing-c", c, t, server::unavailableReason,
                        (port, max) -> List.of(server.binary().toString(), "--max-seconds=" + max, Integer.toString(port))),
                new EchoServerContender("netty-io_uring", c, t, () -> nettyMissing("io_uring"),
                        (port, max) -> java(NettyEchoServer.class, "io_uring", Integer.toString(port), Long.toString(max))),
                new EchoServerContender("netty-epoll", c, t, () -> nettyMissing("epoll"),
                        (port, max) -> java(NettyEchoServer.class, "epoll", Integer.toString(port), Long.toString(max))),
                new EchoServerContender("jdk-nio", c, t, () -> null,
                        (port, max) -> java(NioEchoServer.class, Integer.toString(port), Long.toString(max))));
    }

    /** One client per work directory, shared by all contenders of a run (compiled once). */
    private synchronized EchoClient client(BenchPlan plan) {
        if (client == null || !client.workDir().equals(plan.workDir())) client = new EchoClient(plan.workDir());
        return client;
    }

    /** A child JVM running {@code main} with this JVM's class path and {@link #JVM_FLAGS}. */
    static List<String> java(Class<?> main, String... args) {
        return ChildProcess.java(JVM_FLAGS, main, List.of(args));
    }

    /** Asks a child JVM whether the Netty transport loads here (its native library, the kernel). */
    private static String nettyMissing(String transport) {
        try {
            ChildProcess.Output o = ChildProcess.run(java(NettyEchoServer.class, "--check", transport), 120);
            return o.exitCode() == 0 ? null : "Netty " + transport + " does not work here: " + o.stderrTail();
        } catch (Exception e) {
            return "could not start a JVM to check Netty " + transport + ": " + e.getMessage();
        }
    }
}
