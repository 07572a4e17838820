package io.uring4j.tools.soak;

import io.uring4j.runtime.EventLoopGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The soak's client side: {@code count} slots, each a virtual thread that runs one
 * {@link Conversation} after the other (connect, echo, end, reconnect) until {@link #stop()},
 * so about {@code count} connections are live all the time; and a monitor thread that reports
 * a conversation with no progress for {@link #STUCK_NANOS} (longer than every deadline, so a
 * deadline that works reports first and more precisely) and resets it.
 */
final class Clients {
    static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final EventLoopGroup group;
    private final EchoServer server;
    private final long seed;
    private final Tally tally;
    private final Thread[] slots;
    private final AtomicReferenceArray<Conversation> current;
    private final ConcurrentLinkedQueue<Conversation.Buffers> directBuffers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Conversation.Buffers> heapBuffers = new ConcurrentLinkedQueue<>();
    private final Thread monitor;
    private volatile boolean stopping;

    Clients(EventLoopGroup group, EchoServer server, int count, long seed, Tally tally) {
        this.group = group;
        this.server = server;
        this.seed = seed;
        this.tally = tally;
        this.slots = new Thread[count];
        this.current = new AtomicReferenceArray<>(count);
        this.monitor = Thread.ofPlatform().name("soak-monitor").daemon(true).unstarted(this::monitor);
    }

    void start() {
        for (int i = 0; i < slots.length; i++) {
            int slot = i;
            slots[i] = Thread.ofVirtual().name("soak-client-" + i).start(() -> run(slot));
        }
        monitor.start();
    }

    private void run(int slot) {
        for (int number = 0; !stopping; number++) {
            Conversation c = new Conversation(seed, slot, number);
            ConcurrentLinkedQueue<Conversation.Buffers> pool = c.jdk ? heapBuffers : directBuffers;
            Conversation.Buffers b = pool.poll();
            if (b == null) b = Conversation.Buffers.of(!c.jdk);
            current.set(slot, c);
            long errorsBefore = tally.errors();
            if (c.run(group, server, tally, b)) pool.add(b);
            current.set(slot, null);
            if (tally.errors() != errorsBefore) pause(); // a failing server should not be hammered in a busy loop
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void monitor() {
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (int i = 0; i < slots.length; i++) {
                Conversation c = current.get(i);
                if (c != null && !c.stuck && c.idleNanos(now) > STUCK_NANOS) {
                    tally.error(c + ": no progress for " + TimeUnit.NANOSECONDS.toSeconds(c.idleNanos(now)) + " s, "
                            + c.waitingFor() + " (reset)");
                    Thread.ofVirtual().start(c::resetStuck); // a reset that blocks must not stop the monitor
                }
            }
        }
    }

    /** No new conversations; those under way run to their end. */
    void stop() {
        stopping = true;
    }

    /** Waits until every slot ended, at most until {@code deadlineNanos}; whether they all did. */
    boolean awaitEnd(long deadlineNanos) throws InterruptedException {
        for (Thread t : slots) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !t.join(java.time.Duration.ofNanos(left))) return false;
        }
        monitor.interrupt();
        return true;
    }

    /** Conversations under way now. */
    int live() {
        int n = 0;
        for (int i = 0; i < slots.length; i++) if (current.get(i) != null) n++;
        return n;
    }

    /** The conversations still under way, with what each waits for (for the drain's and the watchdog's reports). */
    List<String> unfinished() {
        List<String> out = new ArrayList<>();
        long now = System.nanoTime();
        for (int i = 0; i < slots.length; i++) {
            Conversation c = current.get(i);
            if (c != null) {
                out.add(c + ": " + c.waitingFor() + ", idle " + TimeUnit.NANOSECONDS.toMillis(c.idleNanos(now)) + " ms");
            }
        }
        return out;
    }
}
