package io.uring4j.runtime;

import io.uring4j.runtime.ModelEnd.ReadCall;
import io.uring4j.runtime.ModelEnd.WriteCall;
import io.uring4j.runtime.ModelRun.Kind;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

import static io.uring4j.runtime.ModelCalls.NOT_DONE;
import static io.uring4j.runtime.ModelCalls.outcome;

/**
 * The TCP actions of {@link ModelRun}: pairs of runtime connections (a client on one group, the
 * server's side on another or the same), reads and writes in every form, given up in every way,
 * half-closes, closes, aborts and new pairs; background readers ("pumps") in some runs; and the
 * ending of each pair ({@link ModelTcpEnding}).
 */
final class ModelTcp {
    /** One pair: {@code c} connected, {@code s} accepted. */
    record Pair(int index, ModelEnd c, ModelEnd s) {
    }

    /** A future left to complete by itself; checked at the end. */
    record Pending(String what, CompletableFuture<?> future, Consumer<Object> settle) {
    }

    final ModelRun run;
    final List<Pair> all = Collections.synchronizedList(new ArrayList<>());
    private AtomicReferenceArray<Pair> slots;
    final List<Pending> pending = Collections.synchronizedList(new ArrayList<>());
    private int pairsMade;

    ModelTcp(ModelRun run) {
        this.run = run;
    }

    void setUp(Random r) throws Exception {
        for (ModelRun.Group g : run.groups) {
            g.server = TcpServer.bind(g.group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        }
        slots = new AtomicReferenceArray<>(run.profile.pairs());
        for (int i = 0; i < run.profile.pairs(); i++) {
            Pair p = ModelPairing.connect(this, r, true);
            if (p == null) run.violation("setting up pair " + i + " failed");
            slots.set(i, p);
        }
    }

    synchronized int nextPairIndex() {
        return pairsMade++;
    }

    /** Registers a new pair and starts its pumps (in runs that have them). */
    void added(Pair p) {
        all.add(p);
        if (run.profile.pumps()) {
            startPump(p.c());
            startPump(p.s());
        }
    }

    private void startPump(ModelEnd e) {
        Runnable body = () -> {
            Random r = new Random(e.name.hashCode());
            try {
                while (!e.pumpStop) {
                    e.readLock.lock();
                    try {
                        ByteBuffer dst = ModelEnd.readBuffer(1, 1 + r.nextInt(1 << 14), r.nextBoolean());
                        int len = dst.remaining();
                        Object o = call(() -> e.conn.read(dst, Duration.ofMillis(20)));
                        if (e.settleRead(run, new ReadCall("pump", true, false, false, false, false), dst, 1, len, o, run.tick())) return;
                    } finally {
                        e.readLock.unlock();
                    }
                }
            } catch (Throwable t) {
                run.violation("the pump of " + e + " threw " + t);
            }
        };
        e.pump = (e.name.hashCode() & 1) == 0 ? Thread.ofVirtual().name("pump-" + e.name).start(body)
                : Thread.ofPlatform().daemon(true).name("pump-" + e.name).start(body);
    }

    /** A call's result, or what it threw. */
    interface Call {
        Object run() throws Throwable;
    }

    static Object call(Call c) {
        try {
            return c.run();
        } catch (Throwable t) {
            return t;
        }
    }

    /** A random end of a random current pair, or null. */
    private ModelEnd pick(Random r) {
        Pair p = slots.get(r.nextInt(slots.length()));
        boolean client = r.nextBoolean();
        return p == null ? null : client ? p.c() : p.s();
    }

    private static int payloadSize(Random r) {
        int k = r.nextInt(10);
        return k < 6 ? r.nextInt(512) : k < 9 ? 512 + r.nextInt(16 << 10) : (16 << 10) + r.nextInt(256 << 10);
    }

    // ------------------------------------------------------------------ writes

    void write(Random r, int worker) {
        ModelEnd e = pick(r);
        boolean giveUp = run.giveUp(r);
        int payload = giveUp && r.nextBoolean() ? (256 << 10) + r.nextInt(1 << 20) : payloadSize(r); // large: given up mid-way
        boolean direct = r.nextBoolean();
        int slack = r.nextInt(4);
        int mode = giveUp ? 1 + r.nextInt(5) : run.profile.pumps() ? new int[] {0, 6, 7, 8}[r.nextInt(4)] : 6 + r.nextInt(4);
        long delay = r.nextInt(3_000_000);
        Duration tiny = run.deadline(r, true);
        Duration normal = Duration.ofMillis(mode == 9 ? 1000 : 20 + r.nextInt(300));
        int chain = 2 + r.nextInt(4);
        boolean mayInterrupt = r.nextBoolean();
        if (e == null) return;
        String[] names = {"blocking", "tiny deadline " + tiny, "interrupted after " + delay / 1000 + " us", "cancelled after " + delay / 1000 + " us",
                "orTimeout " + tiny, "deadline " + normal, "async", "left pending", "chain of " + chain, "deadline " + normal};
        StreamModel.Write w = e.out.newWrite(payload, names[mode]);
        ByteBuffer b = StreamModel.frame(w, direct, slack);
        run.doing.set(worker, "write " + e + " " + w);
        if (mode != 6 && mode != 7 && mode != 8 && (mode != 0 || e.defaultTimeoutEver)) e.out.mayGiveUp(run.tick());
        w.start = run.tick();
        switch (mode) {
            case 0, 1, 2, 5, 9 -> {
                ModelCalls.Interrupter.Token token = mode == 2 ? run.interrupter.arm(delay) : null;
                Object o = call(() -> {
                    if (mode == 0 || mode == 2) e.conn.write(b);
                    else e.conn.write(b, mode == 1 ? tiny : normal);
                    return w.frameLength();
                });
                if (token != null) token.disarm();
                long t = run.tick();
                w.called = t;
                Kind k = ModelRun.kind(o);
                if (k == Kind.TIMEOUT || k == Kind.INTERRUPT) e.out.givenUp(run.tick(), true);
                e.settleWrite(run, w, new WriteCall(mode != 0 && mode != 2, mode == 2, false, false), b, slack, o, t);
            }
            case 3, 4 -> {
                CompletableFuture<Integer> f = e.conn.writeAsync(b);
                w.called = run.tick();
                boolean cancelled = false;
                if (mode == 3) {
                    ModelCalls.pause(delay);
                    cancelled = f.cancel(mayInterrupt);
                    if (cancelled) e.out.givenUp(run.tick(), true);
                } else {
                    f.orTimeout(tiny.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
                }
                Object o = outcome(f, 10_000);
                if (o == NOT_DONE) {
                    run.violation("write " + e + " " + w + ": its future did not complete within 10 s");
                    pendingWrite(e, w, f, new WriteCall(false, false, cancelled, mode == 4));
                    return;
                }
                if (mode == 4 && ModelRun.kind(o) == Kind.OR_TIMEOUT) e.out.givenUp(run.tick(), false);
                e.settleWrite(run, w, new WriteCall(false, false, cancelled, mode == 4), b, slack, o, run.tick());
            }
            case 6 -> {
                CompletableFuture<Integer> f = e.conn.writeAsync(b);
                w.called = run.tick();
                Object o = outcome(f, 2_000);
                if (o == NOT_DONE) pendingWrite(e, w, f, new WriteCall(false, false, false, false));
                else e.settleWrite(run, w, new WriteCall(false, false, false, false), b, slack, o, run.tick());
            }
            case 7 -> {
                CompletableFuture<Integer> f = e.conn.writeAsync(b);
                w.called = run.tick();
                pendingWrite(e, w, f, new WriteCall(false, false, false, false));
            }
            default -> writeChain(e, w, b, slack, chain, r.nextLong());
        }
    }

    /** A write whose future completes later: its outcome goes to the model when it does, and is checked at the end. */
    void pendingWrite(ModelEnd e, StreamModel.Write w, CompletableFuture<Integer> f, WriteCall c) {
        pending.add(new Pending("write " + e + " " + w, f, o -> e.settleWrite(run, w, c, null, 0, o, w.done)));
        ModelRun.onDone(f, (o, t) -> {
            w.done = t; // the outcome itself is settled (and checked) at the end
            e.sawReset(ModelRun.kind(o), o, w.start); // known at once: a read's end may depend on it
        }, run);
    }

    /** {@code n} writes, each made on the loop thread from the completion of the one before (the first from here). */
    private void writeChain(ModelEnd e, StreamModel.Write first, ByteBuffer firstBuffer, int slack, int n, long seed) {
        Random r = new Random(seed);
        CompletableFuture<Void> end = new CompletableFuture<>();
        chainStep(e, first, firstBuffer, slack, n - 1, r, end);
        Object o = outcome(end, 5_000);
        if (o == NOT_DONE) pending.add(new Pending("write chain of " + e + " from " + first, end, x -> { }));
    }

    private void chainStep(ModelEnd e, StreamModel.Write w, ByteBuffer b, int slack, int left, Random r, CompletableFuture<Void> end) {
        if (w.start == 0) w.start = run.tick();
        w.onLoop = Thread.currentThread().getName().startsWith("uring4j-loop-");
        CompletableFuture<Integer> f = e.conn.writeAsync(b);
        w.called = run.tick();
        f.whenComplete((v, t) -> {
            Object o = t == null ? v : t;
            e.settleWrite(run, w, new WriteCall(false, false, false, false), b, slack, o, run.tick());
            if (t != null || left == 0) {
                end.complete(null);
                return;
            }
            StreamModel.Write next = e.out.newWrite(payloadSize(r), "chained on the loop");
            chainStep(e, next, StreamModel.frame(next, r.nextBoolean(), slack), slack, left - 1, r, end);
        });
    }

    // ------------------------------------------------------------------ reads

    void read(Random r, int worker) {
        ModelEnd e = pick(r);
        boolean giveUp = run.giveUp(r);
        int mode = giveUp ? 1 + r.nextInt(6) : new int[] {0, 7, 8}[r.nextInt(3)];
        int len = 1 + (r.nextBoolean() ? r.nextInt(64) : r.nextInt(64 << 10));
        boolean direct = r.nextBoolean();
        int slack = r.nextInt(4);
        long delay = r.nextInt(3_000_000);
        Duration tiny = run.deadline(r, true), normal = run.deadline(r, false);
        boolean mayInterrupt = r.nextBoolean();
        int chain = 2 + r.nextInt(5);
        if (e == null) return;
        String how = new String[] {"deadline " + normal, "tiny deadline " + tiny, "interrupted after " + delay / 1000 + " us",
                "cancelled after " + delay / 1000 + " us", "completed from outside after " + delay / 1000 + " us", "orTimeout " + tiny,
                "chain of " + chain + " given up", "async", "chain of " + chain}[mode];
        run.doing.set(worker, "read " + e + " " + how + " (waiting for the read lock)");
        e.readLock.lock();
        try {
            run.doing.set(worker, "read " + e + " " + how);
            if (mode == 6 || mode == 8) {
                readChain(e, r, chain, mode == 6 ? 1 + delay / 1_000_000 : 300, how);
                return;
            }
            ByteBuffer dst = ModelEnd.readBuffer(slack, len, direct);
            switch (mode) {
                case 0, 1, 2 -> {
                    ModelCalls.Interrupter.Token token = mode == 2 ? run.interrupter.arm(delay) : null;
                    Object o = call(() -> mode == 2 ? e.conn.read(dst) : e.conn.read(dst, mode == 0 ? normal : tiny));
                    if (token != null) token.disarm();
                    e.settleRead(run, new ReadCall(how, mode != 2, mode == 2, false, false, false), dst, slack, len, o, run.tick());
                }
                default -> {
                    CompletableFuture<Integer> f = e.conn.readAsync(dst);
                    boolean cancelled = false, completed = false;
                    if (mode == 3 || mode == 4) {
                        ModelCalls.pause(delay);
                        if (mode == 3) cancelled = f.cancel(mayInterrupt);
                        else completed = f.complete(-7);
                    } else if (mode == 5) {
                        f.orTimeout(tiny.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
                    }
                    Object o = outcome(f, mode == 7 ? 300 : 10_000);
                    if (o == NOT_DONE && mode == 7) {
                        cancelled = f.cancel(false);
                        o = outcome(f, 10_000);
                    }
                    if (o == NOT_DONE) {
                        run.violation("read " + e + " " + how + ": its future did not complete within 10 s");
                        return;
                    }
                    e.settleRead(run, new ReadCall(how, false, false, cancelled, mode == 5, completed), dst, slack, len, o, run.tick());
                }
            }
        } finally {
            e.readLock.unlock();
        }
    }

    /** One read of a chain: its future, its buffer and what became of it. */
    private record Chained(CompletableFuture<Integer> future, ByteBuffer dst, int slack, int len, Object outcome) {
    }

    /**
     * {@code n} reads, each made on the loop thread from the completion of the one before; the
     * one waiting after {@code waitMillis} is cancelled. Settled in order afterwards. Reader lock held.
     */
    private void readChain(ModelEnd e, Random r, int n, long waitMillis, String how) {
        List<Chained> results = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<CompletableFuture<Integer>> current = new AtomicReference<>();
        java.util.Set<CompletableFuture<Integer>> cancelled = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        CompletableFuture<Void> end = new CompletableFuture<>();
        long seed = r.nextLong();
        readStep(e, new Random(seed), n, results, current, end);
        Object o = outcome(end, waitMillis);
        for (int i = 0; o == NOT_DONE && i <= n + 1; i++) {
            CompletableFuture<Integer> f = current.get();
            synchronized (cancelled) {
                if (f.cancel(false)) cancelled.add(f);
            }
            o = outcome(end, 2_000);
        }
        if (o == NOT_DONE) {
            run.violation("read chain " + e + " " + how + ": did not end within " + (n + 2) * 2 + " s of cancelling");
            return;
        }
        for (Chained c : List.copyOf(results)) {
            boolean gaveUp;
            synchronized (cancelled) {
                gaveUp = cancelled.contains(c.future());
            }
            e.settleRead(run, new ReadCall(how, false, false, gaveUp, false, false), c.dst(), c.slack(), c.len(), c.outcome(), run.tick());
        }
    }

    private void readStep(ModelEnd e, Random r, int left, List<Chained> results, AtomicReference<CompletableFuture<Integer>> current,
                          CompletableFuture<Void> end) {
        int slack = r.nextInt(4), len = 1 + r.nextInt(r.nextBoolean() ? 64 : 32 << 10);
        ByteBuffer dst = ModelEnd.readBuffer(slack, len, r.nextBoolean());
        CompletableFuture<Integer> f = e.conn.readAsync(dst);
        current.set(f);
        f.whenComplete((v, t) -> {
            Object o = t == null ? v : t instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : t;
            results.add(new Chained(f, dst, slack, len, o));
            if (t != null || v < 0 || left <= 1) end.complete(null);
            else readStep(e, r, left - 1, results, current, end);
        });
    }

    // ------------------------------------------------------------------ half-closes, closes, new pairs

    void shutdownOutput(Random r, int worker) {
        ModelEnd e = pick(r);
        if (e == null) return;
        run.doing.set(worker, "shutdownOutput " + e);
        e.shutOutStart = Math.min(e.shutOutStart, run.tick());
        CompletableFuture<Void> f = e.conn.shutdownOutputAsync();
        Object o = outcome(f, 2_000);
        if (o == NOT_DONE) pending.add(new Pending("shutdownOutput " + e, f, x -> shutdownOutcome(e, x)));
        else shutdownOutcome(e, o);
    }

    void shutdownOutcome(ModelEnd e, Object o) {
        EnumSet<Kind> allowed = EnumSet.of(Kind.OK, Kind.CLOSED, Kind.PEER_GONE);
        if (e.out.giveUpFrom() < Long.MAX_VALUE) allowed.add(Kind.CUT);
        Kind k = run.expect("shutdownOutput " + e, o, allowed);
        e.sawReset(k, o, e.shutOutStart);
        if (k == Kind.CUT) e.shutdownRefused = true;
        else if (k == Kind.OK && e.shutdownRefused) {
            run.violation("shutdownOutput " + e + " returned normally after an earlier one was cut (no FIN was sent)");
        }
    }


    void shutdownInput(Random r, int worker) {
        ModelEnd e = pick(r);
        if (e == null) return;
        run.doing.set(worker, "shutdownInput " + e);
        e.shutInStart = Math.min(e.shutInStart, run.tick());
        Object o = call(() -> {
            e.conn.shutdownInput();
            return null;
        });
        EnumSet<Kind> allowed = EnumSet.of(Kind.OK);
        long done = run.tick();
        if (e.closingBy(done)) allowed.add(Kind.CLOSED);
        run.expect("shutdownInput " + e, o, allowed);
    }

    void close(Random r, int worker) {
        ModelEnd e = pick(r);
        int mode = r.nextInt(run.profile.giveUps() > 0 ? 4 : 3);
        long delay = r.nextInt(2_000_000);
        if (e == null) return;
        String how = new String[] {"close", "closeAsync", "abort", "close interrupted after " + delay / 1000 + " us"}[mode];
        run.doing.set(worker, how + " " + e);
        closeEnd(e, mode, delay);
    }

    /** Closes {@code e}: 0 close, 1 closeAsync, 2 abort, 3 close interrupted after {@code delay} ns (an abort). */
    void closeEnd(ModelEnd e, int mode, long delay) {
        String how = new String[] {"close", "closeAsync", "abort", "close interrupted"}[mode];
        long t = run.tick();
        e.closeStart = Math.min(e.closeStart, t);
        if (mode >= 2) e.abortStart = Math.min(e.abortStart, t);
        long t0 = System.nanoTime();
        if (mode == 1) {
            CompletableFuture<Integer> f = e.conn.closeAsync();
            pending.add(new Pending("closeAsync " + e, f, o -> run.expect("closeAsync " + e, o, EnumSet.of(Kind.OK))));
            return;
        }
        ModelCalls.Interrupter.Token token = mode == 3 ? run.interrupter.arm(delay) : null;
        Object o = call(() -> {
            if (mode == 2) e.conn.abort();
            else e.conn.close();
            return null;
        });
        if (token != null) token.disarm();
        run.expect(how + " " + e, o, EnumSet.of(Kind.OK));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long bound = (mode == 0 ? e.closeTimeout.toMillis() : 0) + 5_000;
        if (ms > bound) run.violation(how + " " + e + " took " + ms + " ms (close timeout " + e.closeTimeout + ")");
    }

    void reopen(Random r, int worker) {
        int slot = r.nextInt(slots.length());
        long seed = r.nextLong();
        if (all.size() >= 3 * slots.length() + 3) return; // a bounded number of pairs (and fds) per run
        run.doing.set(worker, "new pair for slot " + slot);
        Pair p = ModelPairing.connect(this, new Random(seed), false);
        if (p != null) slots.set(slot, p);
    }

    void timeout(Random r, int worker) {
        ModelEnd e = pick(r);
        Duration d = r.nextInt(3) == 0 ? null : Duration.ofMillis(5 + r.nextInt(300));
        if (e == null) return;
        if (d != null) e.defaultTimeoutEver = true;
        e.conn.timeout(d);
        run.log("timeout " + e + " = " + d);
    }

    // ------------------------------------------------------------------ the end

    /** Stops the pumps, then ends every pair ({@link ModelTcpEnding}). */
    void finish(Random r) throws InterruptedException {
        List<Pair> pairs = List.copyOf(all);
        for (Pair p : pairs) {
            p.c().pumpStop = true;
            p.s().pumpStop = true;
        }
        for (Pair p : pairs) {
            for (ModelEnd e : List.of(p.c(), p.s())) {
                if (e.pump != null && !e.pump.join(Duration.ofSeconds(10))) run.violation("the pump of " + e + " did not stop within 10 s");
            }
        }
        ModelTcpEnding ending = new ModelTcpEnding(this);
        for (Pair p : pairs) ending.end(p, r);
    }

    void closeServers() {
        for (ModelRun.Group g : run.groups) {
            if (g.server == null) continue;
            TcpServer s = g.server;
            Object o = call(() -> {
                s.close();
                return null;
            });
            EnumSet<Kind> allowed = EnumSet.of(Kind.OK);
            run.expect("close server of group " + g.index, o, allowed);
        }
    }

    /** Every future left pending completes within 10 s of the end, and its outcome is allowed. */
    void awaitPending() {
        for (Pending p : List.copyOf(pending)) {
            Object o = outcome(p.future(), 10_000);
            if (o == NOT_DONE) run.violation(p.what() + ": its future never completed");
            else p.settle().accept(o);
        }
    }

    void check() {
        for (Pair p : List.copyOf(all)) {
            p.c().out.check(run::violation);
            p.s().out.check(run::violation);
        }
    }
}
