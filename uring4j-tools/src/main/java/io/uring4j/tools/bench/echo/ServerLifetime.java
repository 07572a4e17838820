package io.uring4j.tools.bench.echo;

import java.util.concurrent.TimeUnit;

/**
 * The safety nets of the bench's echo servers: each stops by itself after a bounded lifetime and
 * when the process that started it is gone, so a crashed or killed harness never leaves a server
 * holding a CPU and a port.
 */
final class ServerLifetime {
    private ServerLifetime() {}

    /** Starts a daemon thread that halts the JVM after {@code maxSeconds} or once the parent process has exited. */
    static void bound(long maxSeconds) {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        Thread t = Thread.ofPlatform().daemon(true).name("lifetime").unstarted(() -> {
            try {
                while (System.nanoTime() < deadline && (parent == null || parent.isAlive())) {
                    Thread.sleep(500);
                }
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("echo server: " + (parent != null && !parent.isAlive() ? "the harness is gone" : "lifetime over")
                    + ", stopping");
            Runtime.getRuntime().halt(3);
        });
        t.start();
    }

    static int port(String s) {
        int p = Integer.parseInt(s);
        if (p < 0 || p > 65535) throw new IllegalArgumentException("port must be 0..65535, given " + p);
        return p;
    }
}
