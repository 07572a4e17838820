package io.uring4j.runtime;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One run of {@link RuntimeModelTest}: a seed makes the run's shape (groups, threads, files,
 * pairs, how often requests are given up, whether a group closes mid-run) and every worker's
 * sequence of actions; the threads' interleaving is the scheduler's. At the end every future
 * must have completed, every stream and file must match its model, and the fds and
 * {@link EventLoopGroup#nativeBytes()} must be back where they were.
 */
final class ModelRun {
    /** How a call may end. */
    enum Kind { OK, TIMEOUT, INTERRUPT, CANCEL, OR_TIMEOUT, CLOSED, CUT, PEER_GONE, LOOP_CLOSED, READ_PENDING, OTHER }

    /** The shape of a run, drawn from its seed. */
    record Profile(int groups, int loopsPerGroup, int ringEntries, int threads, int virtualThreads, int actionsPerThread,
                   int giveUps, boolean pumps, int files, int pairs, int groupCloseAt, int groupToClose) {
        static Profile draw(Random r, int actions) {
            int groups = r.nextInt(5) < 3 ? 1 : 2;
            int threads = 2 + r.nextInt(7);
            int[] rings = {8, 64, 1024, 1024};
            int close = r.nextInt(5) == 0 ? actions / 4 + r.nextInt(Math.max(1, actions - actions / 4)) : -1;
            return new Profile(groups, 1 + r.nextInt(2), rings[r.nextInt(rings.length)], threads, r.nextInt(threads + 1),
                    actions, r.nextInt(10) < 3 ? 0 : r.nextInt(10) < 7 ? 1 : 2, r.nextInt(10) < 7,
                    1 + r.nextInt(3), 1 + r.nextInt(3), close, r.nextInt(groups));
        }

        @Override
        public String toString() {
            return threads + " threads (" + virtualThreads + " virtual) x " + actionsPerThread + " actions, " + groups + " group(s) of "
                    + loopsPerGroup + " loop(s) with " + ringEntries + "-entry rings, " + pairs + " TCP pair(s), " + files
                    + " file(s), give-ups " + new String[] {"none", "some", "many"}[giveUps] + (pumps ? ", readers pumping" : "")
                    + (groupCloseAt >= 0 ? ", group " + groupToClose + " closes at action " + groupCloseAt + " of worker 0" : "");
        }
    }

    /** An event loop group of the run and its server. */
    static final class Group {
        final int index;
        final EventLoopGroup group;
        volatile long closeStart = Long.MAX_VALUE;
        volatile boolean closed;
        /** An accept(Duration) on this group's server timed out: a connection must still reach the next accept. */
        volatile boolean acceptTimedOut;
        TcpServer server;

        Group(int index, EventLoopGroup group) {
            this.index = index;
            this.group = group;
        }

        boolean closingBy(long tick) {
            return closeStart < tick;
        }
    }

    final long seed;
    final Profile profile;
    final Path dir;
    final List<Group> groups = new ArrayList<>();
    final ModelCalls.Interrupter interrupter = new ModelCalls.Interrupter();
    private final AtomicLong clock = new AtomicLong();
    private final List<String> violations = new ArrayList<>();
    private final ArrayDeque<String> log = new ArrayDeque<>();
    /** The whole log, written to a file when the run fails. */
    private final StringBuilder fullLog = new StringBuilder();
    final Map<String, long[]> outcomes = new TreeMap<>();
    final AtomicLong actions = new AtomicLong();
    /** What each worker is doing now, for a hang's report. */
    final AtomicReferenceArray<String> doing;
    final ModelTcp tcp;
    final ModelFiles files;

    ModelRun(long seed, int actionsPerThread, Path dir) {
        this.seed = seed;
        this.dir = dir;
        this.profile = Profile.draw(new Random(seed), actionsPerThread);
        this.doing = new AtomicReferenceArray<>(profile.threads());
        this.tcp = new ModelTcp(this);
        this.files = new ModelFiles(this);
    }

    long tick() {
        return clock.incrementAndGet();
    }

    /** A random for {@code stream} of this run (worker i, the setup, the ending): fixed by the seed. */
    Random random(int stream) {
        return new Random(seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + 1);
    }

    void violation(String v) {
        synchronized (violations) {
            if (violations.size() < 50) violations.add(v);
        }
        log("VIOLATION " + v);
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    void log(String line) {
        String l = clock.get() + " " + Thread.currentThread().getName() + ": " + line;
        synchronized (log) {
            log.addLast(l);
            if (log.size() > 60) log.removeFirst();
            if (fullLog.length() < 64 << 20) fullLog.append(l).append('\n');
        }
    }

    /** Writes the whole log to {@code file}. */
    void writeLog(Path file) throws IOException {
        synchronized (log) {
            Files.writeString(file, fullLog);
        }
    }

    String logTail() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    /** How {@code outcome} (a value, or a failure) ended. */
    static Kind kind(Object outcome) {
        if (!(outcome instanceof Throwable t)) return Kind.OK;
        if (t instanceof InterruptedByTimeoutException) return Kind.TIMEOUT;
        if (StreamModel.closedChannel(t)) return Kind.CLOSED;
        if (t instanceof InterruptedIOException) return Kind.INTERRUPT;
        if (t instanceof CancellationException) return Kind.CANCEL;
        if (t instanceof TimeoutException) return Kind.OR_TIMEOUT;
        if (t instanceof java.nio.channels.ReadPendingException) return Kind.READ_PENDING;
        if (t instanceof IllegalStateException && t.getMessage() != null) {
            if (t.getMessage().startsWith("writing is not allowed")) return Kind.CUT;
            if (t.getMessage().startsWith("event loop") && t.getMessage().endsWith("is closed")) return Kind.LOOP_CLOSED;
            if (t.getMessage().startsWith("a read is already pending")) return Kind.READ_PENDING;
        }
        if (t.getClass() == IOException.class && t.getCause() instanceof IllegalStateException && kind(t.getCause()) == Kind.LOOP_CLOSED) {
            return Kind.LOOP_CLOSED; // accept(Duration) wraps the closing loop's exception
        }
        // The runtime reports a reset, a broken pipe or a socket no longer connected as the
        // java.net exception (SocketException, "Connection reset" and so on), as java.net does.
        if (t instanceof java.net.SocketException) return Kind.PEER_GONE;
        if (t.getClass() == IOException.class && t.getMessage() != null && !t.getMessage().contains("did not complete")) {
            return Kind.PEER_GONE;
        }
        return Kind.OTHER;
    }

    /** Checks that {@code outcome} of {@code what} is one of {@code allowed} (else a violation, with its stack); returns its kind. */
    Kind expect(String what, Object outcome, EnumSet<Kind> allowed) {
        Kind k = kind(outcome);
        log(what + " -> " + ModelCalls.describe(outcome));
        count(what.substring(0, what.indexOf(' ') < 0 ? what.length() : what.indexOf(' ')) + " " + k);
        if (allowed.contains(k)) return k;
        StringBuilder s = new StringBuilder(what + " ended with " + ModelCalls.describe(outcome) + "; allowed: " + allowed);
        if (outcome instanceof Throwable t) {
            for (StackTraceElement e : t.getStackTrace()) {
                s.append("\n        at ").append(e);
                if (s.length() > 1500) break;
            }
        }
        violation(s.toString());
        return k;
    }

    private void count(String key) {
        synchronized (outcomes) {
            outcomes.computeIfAbsent(key, x -> new long[1])[0]++;
        }
    }

    // ------------------------------------------------------------------ the run

    /** Runs every phase; returns the violations (empty: the run passed). */
    List<String> run() throws Exception {
        ModelCalls.warmUpJdkFds();
        long nativeBefore = EventLoopGroup.nativeBytes();
        Map<Integer, String> fdsBefore = ModelCalls.fds();
        try {
            for (int g = 0; g < profile.groups(); g++) {
                groups.add(new Group(g, EventLoopGroup.create(profile.loopsPerGroup(), profile.ringEntries())));
            }
            tcp.setUp(random(-1));
            files.setUp(random(-2));
            runWorkers();
            tcp.finish(random(-3));
            files.finish();
            tcp.closeServers();
            tcp.awaitPending();
            files.awaitPending();
        } finally {
            for (Group g : groups) closeGroup(g, "the end of the run");
            interrupter.close();
        }
        tcp.check();
        files.check(tick());
        long nativeAfter = EventLoopGroup.nativeBytes();
        if (nativeAfter != nativeBefore) {
            violation("EventLoopGroup.nativeBytes() is " + nativeAfter + " after the run, " + nativeBefore + " before it");
        }
        String leaked = ModelCalls.newFds(fdsBefore, withoutJdk(ModelCalls.fds()));
        if (!leaked.isEmpty()) violation("fds open after the run that were not before it:" + leaked);
        return violations();
    }

    /** {@code fds} without what the JDK opens on its own (jars and its runtime image). */
    private static Map<Integer, String> withoutJdk(Map<Integer, String> fds) {
        String home = System.getProperty("java.home");
        fds.values().removeIf(t -> t.endsWith(".jar") || t.endsWith(".jsa") || t.startsWith(home));
        return fds;
    }

    /** Closes {@code g} (once), noting when its close began; a close that throws is a violation. */
    void closeGroup(Group g, String why) {
        synchronized (g) {
            if (g.closed) return;
            g.closed = true;
        }
        long t0 = System.nanoTime();
        g.closeStart = tick();
        log("closing group " + g.index + " (" + why + ")");
        try {
            g.group.close();
        } catch (RuntimeException e) {
            violation("closing group " + g.index + " (" + why + ") threw " + e);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (ms > 10_000) violation("closing group " + g.index + " took " + ms + " ms");
    }

    private void runWorkers() throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < profile.threads(); w++) {
            int index = w;
            Runnable body = () -> work(index);
            Thread t = w < profile.virtualThreads()
                    ? Thread.ofVirtual().name("model-v" + w).unstarted(body)
                    : Thread.ofPlatform().name("model-p" + w).daemon(true).unstarted(body);
            workers.add(t);
        }
        workers.forEach(Thread::start);
        long deadline = System.nanoTime() + 120_000_000_000L;
        for (int w = 0; w < workers.size(); w++) {
            Thread t = workers.get(w);
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (t.isAlive()) {
                StringBuilder s = new StringBuilder("worker " + t.getName() + " hangs in: " + doing.get(w));
                for (StackTraceElement e : t.getStackTrace()) s.append("\n        at ").append(e);
                violation(s.toString());
            }
        }
        for (Thread t : workers) {
            if (t.isAlive()) {
                t.interrupt();
                t.join(10_000);
            }
        }
    }

    private void work(int w) {
        Random r = random(w);
        for (int i = 0; i < profile.actionsPerThread(); i++) {
            if (w == 0 && i == profile.groupCloseAt()) {
                doing.set(w, "closing group " + profile.groupToClose());
                closeGroup(groups.get(profile.groupToClose()), "mid-run, worker 0 action " + i);
                continue;
            }
            int a = r.nextInt(100);
            try {
                if (a < 30) tcp.write(r, w);
                else if (a < 48) tcp.read(r, w);
                else if (a < 63) files.write(r, w);
                else if (a < 78) files.read(r, w);
                else if (a < 80) tcp.close(r, w);
                else if (a < 82) tcp.shutdownOutput(r, w);
                else if (a < 83) tcp.shutdownInput(r, w);
                else if (a < 87) tcp.reopen(r, w);
                else if (a < 90) files.close(r, w);
                else if (a < 95) files.open(r, w);
                else if (a < 97) files.timeout(r, w);
                else tcp.timeout(r, w);
            } catch (Throwable t) {
                StringBuilder s = new StringBuilder("worker " + w + " action " + i + " (" + doing.get(w) + ") threw " + t);
                for (StackTraceElement e : t.getStackTrace()) {
                    s.append("\n        at ").append(e);
                    if (s.length() > 2000) break;
                }
                violation(s.toString());
            }
            actions.incrementAndGet();
        }
        doing.set(w, "done");
    }

    /** A deadline from the run's give-up level: mostly long, sometimes tiny (µs to ms). */
    java.time.Duration deadline(Random r, boolean tinyAllowed) {
        if (tinyAllowed && profile.giveUps() > 0 && r.nextInt(4) < profile.giveUps()) {
            return java.time.Duration.ofNanos(1_000 + r.nextInt(r.nextBoolean() ? 50_000 : 3_000_000));
        }
        return java.time.Duration.ofMillis(20 + r.nextInt(300));
    }

    /** Whether this action should give its request up (cancel, interrupt, tiny deadline). */
    boolean giveUp(Random r) {
        int g = profile.giveUps();
        return g > 0 && r.nextInt(g == 1 ? 8 : 3) == 0;
    }

    void mkdirs() throws IOException {
        Files.createDirectories(dir);
    }

    /** Sets {@code w} on {@code f}'s completion (value or cause) with the tick it was seen. */
    static <T> void onDone(CompletableFuture<T> f, java.util.function.BiConsumer<Object, Long> sink, ModelRun run) {
        f.whenComplete((v, t) -> sink.accept(t == null ? v : (t instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : t), run.tick()));
    }
}
