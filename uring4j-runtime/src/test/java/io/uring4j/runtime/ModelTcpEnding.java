package io.uring4j.runtime;

import io.uring4j.runtime.ModelEnd.ReadCall;
import io.uring4j.runtime.ModelRun.Kind;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static io.uring4j.runtime.ModelCalls.NOT_DONE;
import static io.uring4j.runtime.ModelCalls.outcome;

/**
 * How each pair of a run ends, after the workers stopped, so that every stream reaches an end the
 * model can judge:
 * <ul>
 *   <li><b>half-close</b>: both ends drain while both shut their outputs (an end whose output was
 *       cut closes instead, which resets), then both close;</li>
 *   <li><b>graceful close with writes in flight</b>: one end drains its input to the end, makes a
 *       few writes and closes at once; the peer must get all of them and a clean end (when the
 *       closing end's output was whole and its close timeout long enough);</li>
 *   <li><b>abort with writes in flight</b>: the peer must not get a clean end of stream.</li>
 * </ul>
 */
final class ModelTcpEnding {
    private final ModelTcp tcp;
    private final ModelRun run;

    ModelTcpEnding(ModelTcp tcp) {
        this.tcp = tcp;
        this.run = tcp.run;
    }

    void end(ModelTcp.Pair p, Random r) throws InterruptedException {
        int kind = r.nextInt(3);
        boolean flip = r.nextBoolean();
        ModelEnd x = flip ? p.c() : p.s(), y = x.peer;
        int writes = 1 + r.nextInt(6);
        long seed = r.nextLong();
        run.log("ending pair " + p.index() + ": " + new String[] {"half-close", "graceful close of " + x, "abort of " + x}[kind]);
        if (kind == 1 && usable(x) && usable(y)) gracefulClose(x, y, writes, new Random(seed));
        else if (kind == 2 && usable(x)) abort(x, y, writes, new Random(seed));
        else halfClose(p);
    }

    /** Open, on an open group, with a whole output. */
    private static boolean usable(ModelEnd e) {
        return e.closeStart == Long.MAX_VALUE && !e.group.closed && e.group.closeStart == Long.MAX_VALUE && !e.out.cutSeen
                && e.shutOutStart == Long.MAX_VALUE && e.shutInStart == Long.MAX_VALUE;
    }

    private void halfClose(ModelTcp.Pair p) throws InterruptedException {
        Thread dc = drain(p.c()), ds = drain(p.s());
        for (ModelEnd e : List.of(p.c(), p.s())) endOutput(e);
        join(dc, p.c());
        join(ds, p.s());
        tcp.closeEnd(p.c(), 0, 0);
        tcp.closeEnd(p.s(), 0, 0);
    }

    private void gracefulClose(ModelEnd x, ModelEnd y, int writes, Random r) throws InterruptedException {
        Thread dx = drain(x);
        endOutput(y);
        join(dx, x);
        Thread dy = drain(y);
        List<CompletableFuture<Integer>> made = write(x, writes, r);
        tcp.closeEnd(x, 0, 0);
        join(dy, y);
        boolean strong = !x.out.cutSeen && x.closeTimeout.compareTo(Duration.ofSeconds(1)) >= 0 && x.abortStart == Long.MAX_VALUE;
        if (strong && !y.in.peerEnd) {
            run.violation("after " + x + " drained its input and closed gracefully with " + writes + " writes in flight, " + y
                    + " got " + (y.in.readerEnd == null ? "no end" : y.in.readerEnd.toString()) + " instead of a clean end of stream");
        }
        if (strong) {
            for (CompletableFuture<Integer> f : made) {
                Object o = outcome(f, 10_000);
                if (ModelRun.kind(o) != Kind.OK) {
                    run.violation(x + ": a write made just before a graceful close ended with " + ModelCalls.describe(o));
                }
            }
        }
        tcp.closeEnd(y, 0, 0);
    }

    private void abort(ModelEnd x, ModelEnd y, int writes, Random r) throws InterruptedException {
        Thread dy = drain(y);
        write(x, writes, r);
        tcp.closeEnd(x, 2, 0);
        join(dy, y);
        if (y.in.peerEnd && x.shutOutStart == Long.MAX_VALUE) {
            String v = "after " + x + " aborted, " + y + " got a clean end of stream (" + y.in.receivedLength() + " B)";
            run.violation(v);
        }
        Thread dx = drain(x);
        endOutput(y);
        join(dx, x);
        tcp.closeEnd(y, 0, 0);
    }

    /** {@code n} writes left in flight (their futures are settled with the run's pending ones). */
    private List<CompletableFuture<Integer>> write(ModelEnd e, int n, Random r) {
        List<CompletableFuture<Integer>> made = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StreamModel.Write w = e.out.newWrite(r.nextInt(r.nextBoolean() ? 512 : 64 << 10), "in flight at the end");
            ByteBuffer b = StreamModel.frame(w, r.nextBoolean(), 0);
            w.start = run.tick();
            CompletableFuture<Integer> f = e.conn.writeAsync(b);
            w.called = run.tick();
            tcp.pendingWrite(e, w, f, new ModelEnd.WriteCall(false, false, false, false));
            made.add(f);
        }
        return made;
    }

    /** Shuts {@code e}'s output (an output cut by a given-up write cannot be: it closes, which resets). */
    private void endOutput(ModelEnd e) {
        if (e.closeStart != Long.MAX_VALUE) return;
        e.shutOutStart = Math.min(e.shutOutStart, run.tick());
        CompletableFuture<Void> f = e.conn.shutdownOutputAsync();
        Object o = outcome(f, 10_000);
        if (o == NOT_DONE) {
            run.violation("shutdownOutput " + e + " at the end did not complete within 10 s while its peer drained");
            return;
        }
        tcp.shutdownOutcome(e, o);
        // A cut output cannot end with a FIN: it closes (a reset). One that claims success after a cut
        // sent no FIN either (the known issue), so it closes too, or its peer would wait forever.
        if (ModelRun.kind(o) == Kind.CUT || e.shutdownRefused) tcp.closeEnd(e, 0, 0);
    }

    /** A thread reading {@code e}'s input to its end (or a failure); a quiet input for 10 s is a violation. */
    private Thread drain(ModelEnd e) {
        return Thread.ofVirtual().name("drain-" + e).start(() -> {
            e.readLock.lock();
            try {
                long quietSince = System.nanoTime();
                while (true) {
                    ByteBuffer dst = ModelEnd.readBuffer(2, 64 << 10, false);
                    Object o = ModelTcp.call(() -> e.conn.read(dst, Duration.ofMillis(500)));
                    if (e.settleRead(run, new ReadCall("drain", true, false, false, false, false), dst, 2, 64 << 10, o, run.tick())) return;
                    if (o instanceof Integer n && n > 0) quietSince = System.nanoTime();
                    else if (System.nanoTime() - quietSince > 10_000_000_000L) {
                        run.violation("draining " + e + ": neither a byte nor an end within 10 s after its peer ended its output ("
                                + e.in.receivedLength() + " B received)");
                        return;
                    }
                }
            } finally {
                e.readLock.unlock();
            }
        });
    }

    private void join(Thread t, ModelEnd e) throws InterruptedException {
        if (!t.join(Duration.ofSeconds(30))) {
            run.violation("draining " + e + " did not end within 30 s");
            t.interrupt();
        }
    }
}
