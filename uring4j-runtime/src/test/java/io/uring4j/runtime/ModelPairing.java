package io.uring4j.runtime;

import io.uring4j.runtime.ModelRun.Kind;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

import static io.uring4j.runtime.ModelCalls.NOT_DONE;
import static io.uring4j.runtime.ModelCalls.outcome;

/**
 * Makes a pair for the model: a connect (blocking, with a tiny deadline, or cancelled), then the
 * accept on the server's group. Connections that gave up may still reach the server's queue, so
 * the client sends an 8-byte token first and the accepting side takes the connection whose token
 * it reads (stale ones are aborted). The token is not part of the model's streams.
 */
final class ModelPairing {
    private ModelPairing() {}

    private static final ReentrantLock[] LOCKS = {new ReentrantLock(), new ReentrantLock()};


    /** A new pair, or null if the connect was given up or a group is closing. */
    static ModelTcp.Pair connect(ModelTcp tcp, Random r, boolean setUp) {
        ModelRun run = tcp.run;
        ModelRun.Group gc = run.groups.get(r.nextInt(run.groups.size()));
        ModelRun.Group gs = run.groups.get(r.nextInt(run.groups.size()));
        int mode = setUp || run.profile.giveUps() == 0 ? 0 : r.nextInt(3);
        long delay = r.nextInt(2_000_000);
        Duration tiny = Duration.ofNanos(1_000 + r.nextInt(2_000_000));
        long token = r.nextLong();
        int limit = new int[] {TcpSend.DEFAULT_LIMIT, TcpSend.DEFAULT_LIMIT, 0, 1024, 64 << 10}[r.nextInt(5)];
        int limitS = new int[] {TcpSend.DEFAULT_LIMIT, TcpSend.DEFAULT_LIMIT, 0, 1024, 64 << 10}[r.nextInt(5)];
        Duration closeTimeout = r.nextInt(10) == 0 ? Duration.ZERO
                : run.profile.pumps() ? Duration.ofSeconds(10) : Duration.ofMillis(300 + r.nextInt(1000));
        Duration closeTimeoutS = run.profile.pumps() ? Duration.ofSeconds(10) : Duration.ofMillis(300 + r.nextInt(1000));
        boolean acceptFirst = !setUp && run.profile.giveUps() > 0 && r.nextInt(8) == 0; // an accept that times out first
        ReentrantLock lock = LOCKS[gs.index];
        lock.lock();
        try {
            String what = "connect to group " + gs.index + " from group " + gc.index + " "
                    + new String[] {"blocking", "tiny deadline " + tiny, "cancelled after " + delay / 1000 + " us"}[mode];
            if (acceptFirst) {
                Object a = ModelTcp.call(() -> gs.server.accept(Duration.ofMillis(1)));
                if (a instanceof TcpConnection stale) abort(stale); // one that gave up earlier, still queued
                else if (ModelRun.kind(a) == Kind.TIMEOUT) gs.acceptTimedOut = true;
                EnumSet<Kind> allowed = EnumSet.of(Kind.OK, Kind.TIMEOUT);
                boolean closing = gs.closingBy(run.tick());
                if (closing) allowed.add(Kind.CLOSED);
                run.expect("accept with a 1 ms deadline on group " + gs.index, a, allowed);
            }
            long t0 = run.tick();
            Object o;
            boolean cancelled = false;
            if (mode == 0) {
                o = ModelTcp.call(() -> TcpConnection.connect(gc.group, gs.server.localAddress(), Duration.ofSeconds(5)));
            } else {
                CompletableFuture<TcpConnection> f = TcpConnection.connectAsync(gc.group.next(), gs.server.localAddress(),
                        mode == 1 ? tiny : Duration.ofSeconds(5));
                if (mode == 2) {
                    ModelCalls.pause(delay);
                    cancelled = f.cancel(r.nextBoolean());
                }
                o = outcome(f, 10_000);
                if (o == NOT_DONE) {
                    run.violation(what + ": its future did not complete within 10 s");
                    return null;
                }
            }
            long t1 = run.tick();
            EnumSet<Kind> allowed = EnumSet.of(Kind.OK);
            if (mode == 1) allowed.add(Kind.TIMEOUT);
            if (cancelled) allowed.add(Kind.CANCEL);
            if (gc.closingBy(t1)) allowed.addAll(EnumSet.of(Kind.LOOP_CLOSED, Kind.CLOSED));
            if (gs.closingBy(t1)) allowed.add(Kind.PEER_GONE);
            run.expect(what, o, allowed);
            if (!(o instanceof TcpConnection client)) return null;
            client.sendQueueLimit(limit).closeTimeout(closeTimeout);
            Object hello = ModelTcp.call(() -> {
                client.write(ByteBuffer.allocate(8).putLong(0, token), Duration.ofSeconds(5));
                return null;
            });
            long t2 = run.tick();
            EnumSet<Kind> helloAllowed = EnumSet.of(Kind.OK);
            if (gc.closingBy(t2) || gs.closingBy(t2)) helloAllowed.addAll(EnumSet.of(Kind.CLOSED, Kind.PEER_GONE, Kind.TIMEOUT));
            if (run.expect("hello on a new connection from group " + gc.index, hello, helloAllowed) != Kind.OK) {
                abort(client);
                return null;
            }
            for (int attempt = 0; attempt < 4; attempt++) {
                CompletableFuture<TcpConnection> f = gs.server.acceptAsync();
                Object a = outcome(f, gs.acceptTimedOut ? 300 : 5_000);
                if (a == NOT_DONE) {
                    if (f.cancel(false)) {
                        if (!gs.closingBy(run.tick()) && !gc.closingBy(run.tick())) {
                            String v = "a connection from group " + gc.index + " that connected and sent its hello (ticks "
                                    + t0 + ".." + t2 + ") was not accepted by group " + gs.index;
                            run.violation(v + " within " + (gs.acceptTimedOut ? "300 ms" : "5 s"));
                        }
                        abort(client);
                        return null;
                    }
                    a = outcome(f, 1_000);
                }
                if (!(a instanceof TcpConnection accepted)) {
                    boolean closing = gs.closingBy(run.tick());
                    EnumSet<Kind> acceptAllowed = closing ? EnumSet.of(Kind.CLOSED) : EnumSet.noneOf(Kind.class);
                    run.expect("accept on group " + gs.index, a, acceptAllowed);
                    abort(client);
                    return null;
                }
                ByteBuffer got = ByteBuffer.allocate(8);
                Object n = ModelTcp.call(() -> {
                    long deadline = System.nanoTime() + 5_000_000_000L;
                    while (got.hasRemaining()) {
                        if (accepted.read(got, Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))) < 0) return -1;
                    }
                    return 8;
                });
                if (Integer.valueOf(8).equals(n) && got.getLong(0) == token) {
                    accepted.sendQueueLimit(limitS).closeTimeout(closeTimeoutS);
                    return pair(tcp, client, gc, accepted, gs, closeTimeout, closeTimeoutS);
                }
                run.log("accepted a stale connection (" + ModelCalls.describe(n) + "), aborting it");
                abort(accepted);
            }
            if (!gs.closingBy(run.tick())) run.violation("4 accepts on group " + gs.index + " found no connection with the token sent");
            abort(client);
            return null;
        } finally {
            lock.unlock();
        }
    }

    private static ModelTcp.Pair pair(ModelTcp tcp, TcpConnection client, ModelRun.Group gc, TcpConnection accepted,
                                      ModelRun.Group gs, Duration closeTimeout, Duration closeTimeoutS) {
        int index = tcp.nextPairIndex();
        StreamModel up = new StreamModel("pair " + index + " c->s"), down = new StreamModel("pair " + index + " s->c");
        ModelEnd c = new ModelEnd("pair" + index + ".c", client, gc, up, closeTimeout);
        ModelEnd s = new ModelEnd("pair" + index + ".s", accepted, gs, down, closeTimeoutS);
        c.in = down;
        s.in = up;
        c.peer = s;
        s.peer = c;
        ModelTcp.Pair p = new ModelTcp.Pair(index, c, s);
        tcp.run.log("new " + c + " (group " + gc.index + ") <-> " + s + " (group " + gs.index + ")");
        tcp.added(p);
        return p;
    }

    private static void abort(TcpConnection c) {
        try {
            c.abort();
        } catch (Exception ignored) {
            // closing a connection the model gave up on; its group's close ends it in any case
        }
    }
}
