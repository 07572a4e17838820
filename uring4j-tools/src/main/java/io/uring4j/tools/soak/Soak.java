package io.uring4j.tools.soak;

import io.uring4j.runtime.EventLoopGroup;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One soak run (see {@link SoakCommand}): an {@link EchoServer} and {@link Clients} on two
 * event loop groups, {@link FileWork} beside them, a {@link Sample} every few seconds; then the
 * drain (every client ends, the server must free every connection, the fds return to where
 * they were before the first client, the groups close and native memory returns to where it
 * was before they existed), the summary and the verdict. A watchdog ends the process if the
 * run is not over {@link #WATCHDOG_GRACE} after its planned end, whatever hangs.
 */
final class Soak {
    /** How long past the planned end the watchdog lets the run go on (drain and checks included). */
    static final Duration WATCHDOG_GRACE = Duration.ofSeconds(30);
    /** The exit status of a run the watchdog ended. */
    static final int WATCHDOG_STATUS = 3;
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(12);
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(4);
    /** fds the JDK may open lazily during a run (class loading, a poller) without it being a leak. */
    private static final int FD_SLACK = 8;
    private static final int COPIERS = 2, READERS = 2;

    /** What to run: {@code loops} per group (server, clients). */
    record Plan(double minutes, int connections, long seed, Path json, int loops) {
        long nanos() {
            return (long) (minutes * 60e9);
        }

        /** Samples every 1/24 of the run, 0.25 s to 5 s apart, so the verdict has at least a dozen after the warm-up. */
        double intervalSeconds() {
            return Math.max(0.25, Math.min(5, minutes * 60 / 24));
        }

        /**
         * The first half of the run, at most two minutes: the JIT, the heap's sizing, and the
         * loops' buffer pools, which keep every buffer they allocate and so grow in steps to the
         * highest demand seen (in the 5-minute soak: for about two minutes, then flat).
         */
        double warmupSeconds() {
            return Math.min(120, minutes * 60 / 2);
        }
    }

    private final Plan plan;
    private final PrintStream out;
    private final PrintStream err;
    private final long startNanos = System.nanoTime();
    private final Tally tally;
    private final List<Sample> samples = new ArrayList<>();
    private final HeapRange heap = HeapRange.find();
    private volatile boolean finished;
    private volatile Clients clients;
    private volatile FileWork files;

    Soak(Plan plan, PrintStream out, PrintStream err) {
        this.plan = plan;
        this.out = out;
        this.err = err;
        this.tally = new Tally(err, startNanos);
    }

    /** Runs the soak; the exit status: 0 if nothing went wrong, 1 otherwise. */
    int run() throws IOException, InterruptedException {
        Thread watchdog = Thread.ofPlatform().name("soak-watchdog").daemon(true).start(this::watchdog);
        try {
            return soak();
        } finally {
            finished = true;
            watchdog.interrupt();
        }
    }

    private int soak() throws IOException, InterruptedException {
        int connections = connectionsWithinFdLimit();
        out.printf("soak: %d connections, %s minutes, seed %d (replay: --seed %d), %d loop(s) per group, sample every %.2f s,"
                        + " warm-up %.0f s%n", connections, plan.minutes(), plan.seed(), plan.seed(), plan.loops(),
                plan.intervalSeconds(), plan.warmupSeconds());
        if (heap == null) out.println("soak: the Java heap's range was not found in /proc/self/maps: judging all of VmRSS");
        long nativeBefore = EventLoopGroup.nativeBytes();
        After after;
        try (EventLoopGroup serverGroup = EventLoopGroup.create(plan.loops());
             EventLoopGroup clientGroup = EventLoopGroup.create(plan.loops())) {
            EchoServer server = new EchoServer(serverGroup, tally);
            try {
                warmUp(clientGroup, server);
                long fdsBefore = Sample.openFds();
                FdKinds kindsBefore = FdKinds.now();
                files = FileWork.start(clientGroup, plan.seed(), COPIERS, READERS, tally);
                try {
                    clients = new Clients(clientGroup, server, connections, plan.seed(), tally);
                    clients.start();
                    sampleUntil(server, startNanos + plan.nanos());
                    drain();
                } finally {
                    files.delete();
                }
                after = settle(server, fdsBefore, kindsBefore);
            } finally {
                server.close();
            }
        }
        long nativeAfter = EventLoopGroup.nativeBytes();
        if (nativeAfter != nativeBefore) {
            tally.error("native bytes after the groups closed: " + nativeAfter + ", before they existed: " + nativeBefore);
        }
        Report report = new Report(plan, connections, tally, samples, Flatness.judge(samples, plan.warmupSeconds()),
                after, nativeBefore, nativeAfter, (System.nanoTime() - startNanos) / 1e9);
        report.print(out);
        if (plan.json() != null) report.writeJson(plan.json());
        return report.passed() ? 0 : 1;
    }

    /** Two fds per connection and some for the rest; raises the soft limit if needed, else fewer connections. */
    private int connectionsWithinFdLimit() {
        long need = 2L * plan.connections() + 64L * COPIERS + 512;
        long[] limit = FdLimit.get();
        if (limit[0] >= need) return plan.connections();
        if (limit[1] >= need && FdLimit.setSoft(need)) {
            out.printf("soak: raised the soft RLIMIT_NOFILE from %d to %d (hard limit %d)%n", limit[0], need, limit[1]);
            return plan.connections();
        }
        long usable = Math.max(limit[0], FdLimit.setSoft(limit[1]) ? limit[1] : limit[0]);
        int fit = (int) Math.max(1, (usable - 64L * COPIERS - 512) / 2);
        out.printf("soak: RLIMIT_NOFILE allows %d fds (hard limit %d): %d connections instead of %d%n",
                usable, limit[1], fit, plan.connections());
        return fit;
    }

    /**
     * A few conversations, both client kinds, before the fd baseline: the JDK opens some fds on
     * first use (its virtual-thread pollers) that stay open, and they are not the soak's leak.
     */
    private void warmUp(EventLoopGroup group, EchoServer server) throws InterruptedException {
        Thread t = Thread.ofVirtual().name("soak-warm-up").start(() -> {
            boolean jdk = false, uring = false;
            for (int n = 0; n < 64 && !(jdk && uring); n++) {
                Conversation c = new Conversation(plan.seed(), -1, n);
                c.run(group, server, tally, Conversation.Buffers.of(!c.jdk));
                if (c.jdk) jdk = true;
                else uring = true;
            }
        });
        if (!t.join(Duration.ofSeconds(30))) tally.error("the warm-up conversations did not end within 30 s");
    }

    private void sampleUntil(EchoServer server, long endNanos) throws InterruptedException {
        long interval = (long) (plan.intervalSeconds() * 1e9);
        for (long next = startNanos + interval; next <= endNanos; next += interval) {
            long wait = next - System.nanoTime();
            if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
            server.sweep();
            Sample s = Sample.take((System.nanoTime() - startNanos) / 1e9, tally, clients.live(), heap);
            samples.add(s);
            out.println(s.line());
            out.flush();
        }
    }

    /** Stops starting conversations and file work, and waits for those under way. */
    private void drain() throws InterruptedException {
        clients.stop();
        files.stop();
        long deadline = System.nanoTime() + DRAIN_NANOS;
        boolean clientsEnded = clients.awaitEnd(deadline);
        boolean filesEnded = files.awaitEnd(deadline);
        if (!clientsEnded || !filesEnded) {
            List<String> left = new ArrayList<>(clients.unfinished());
            left.addAll(files.unfinished());
            tally.error(left.size() + " conversations or file workers still run " + TimeUnit.NANOSECONDS.toSeconds(DRAIN_NANOS)
                    + " s after the end; the first: " + String.join("; ", left.subList(0, Math.min(5, left.size()))));
        }
    }

    /** After the drain: the server must have freed every connection and the fds be back at the baseline. */
    private After settle(EchoServer server, long fdsBefore, FdKinds kindsBefore) throws InterruptedException {
        waitFor(tally::serverLive, 0);
        List<String> unfreed = server.unfreed();
        long serverLive = tally.serverLive();
        if (!unfreed.isEmpty()) {
            tally.error("the server still holds " + unfreed.size() + " connections " + TimeUnit.NANOSECONDS.toSeconds(SETTLE_NANOS)
                    + " s after every client ended (" + tally.accepted.sum() + " accepted); the first: "
                    + String.join("; ", unfreed.subList(0, Math.min(5, unfreed.size()))));
        }
        long fds = waitFor(Sample::openFds, fdsBefore + FD_SLACK);
        FdKinds now = FdKinds.now();
        String kinds = now.since(kindsBefore);
        // Source files still open after every copier and reader ended: copies interrupted while opening their source.
        String sources = files.sourcesDirectory().toString();
        List<String> leakedSources = now.openedSince(kindsBefore).stream().filter(f -> f.startsWith(sources)).toList();
        if (!leakedSources.isEmpty()) {
            tally.error(leakedSources.size() + " fds of the copies' sources still open after"
                    + " the drain: " + String.join(", ", leakedSources.subList(0, Math.min(4, leakedSources.size()))));
        }
        if (fds > fdsBefore + FD_SLACK) {
            tally.error("fds after the drain: " + fds + ", before the first client: " + fdsBefore + " (" + kinds + ")");
        }
        Sample last = Sample.take((System.nanoTime() - startNanos) / 1e9, tally, clients.live(), heap);
        out.println(last.line() + "  (after the drain)");
        return new After(fdsBefore, fds, kinds, serverLive, last);
    }

    /** Polls {@code value} until it is at most {@code target}, at most {@link #SETTLE_NANOS}; its last value. */
    private static long waitFor(LongSupplier value, long target) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        long v;
        while ((v = value.getAsLong()) > target && System.nanoTime() < deadline) Thread.sleep(50);
        return v;
    }

    private void watchdog() {
        try {
            Thread.sleep(Duration.ofNanos(plan.nanos()).plus(WATCHDOG_GRACE));
        } catch (InterruptedException e) {
            return; // the run ended
        }
        if (finished) return;
        err.printf("soak: WATCHDOG: the run is not over %d s after its planned end; ending the process (status %d)%n",
                WATCHDOG_GRACE.toSeconds(), WATCHDOG_STATUS);
        Clients c = clients;
        FileWork f = files;
        List<String> left = new ArrayList<>();
        if (c != null) left.addAll(c.unfinished());
        if (f != null) left.addAll(f.unfinished());
        for (String s : left.subList(0, Math.min(20, left.size()))) err.println("  still running: " + s);
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (!e.getKey().getName().startsWith("soak") && !e.getKey().getName().contains("loop")) continue;
            err.println("  thread " + e.getKey().getName() + " " + e.getKey().getState());
            for (StackTraceElement s : e.getValue()) err.println("    at " + s);
        }
        err.println("soak: " + tally.errors() + " errors before the watchdog; the first: " + tally.firstErrors());
        err.flush();
        Runtime.getRuntime().halt(WATCHDOG_STATUS);
    }

    /** What the drain left: fds before the first client and after the last, server connections, the last sample. */
    record After(long fdsBefore, long fdsAfter, String fdKindsChanged, long serverLive, Sample sample) {
    }
}
