package io.uring4j.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of {@link EventLoop}s, one per core by default. {@link #next()} picks loops round
 * robin; a file or connection stays on the loop it was opened on.
 */
public final class EventLoopGroup implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();
    private final List<EventLoop> loops;
    private final AtomicInteger next = new AtomicInteger();

    private EventLoopGroup(int count, int entries) {
        if (count < 1) {
            throw new IllegalArgumentException("an event loop group needs at least 1 loop, given " + count);
        }
        if (entries < 8 || entries > 32768) {
            throw new IllegalArgumentException("ring entries must be 8..32768, given " + entries);
        }
        this.loops = startLoops(count, entries);
    }

    /**
     * Starts {@code count} loops; if one cannot start, closes those that did (their threads,
     * rings and eventfds would otherwise outlive the failed create) and rethrows its failure.
     */
    private List<EventLoop> startLoops(int count, int entries) {
        List<EventLoop> started = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                started.add(new EventLoop(this, IDS.getAndIncrement(), entries));
            }
            return List.copyOf(started);
        } catch (RuntimeException | Error e) {
            for (EventLoop loop : started) {
                try {
                    loop.close();
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    /** One loop per available processor, 1024-entry rings. */
    public static EventLoopGroup create() {
        return create(Runtime.getRuntime().availableProcessors());
    }

    /**
     * {@code loops} loops with 1024-entry rings.
     *
     * @throws IllegalArgumentException if {@code loops < 1}
     * @throws IllegalStateException if a loop cannot start (io_uring unavailable, no free fd,
     *         the locked-memory limit): the message says why; the loops already started are closed
     */
    public static EventLoopGroup create(int loops) {
        return new EventLoopGroup(loops, 1024);
    }

    /**
     * {@code loops} loops with rings of {@code ringEntries} SQEs; throws as {@link #create(int)},
     * and IllegalArgumentException for entries outside 8..32768.
     */
    public static EventLoopGroup create(int loops, int ringEntries) {
        return new EventLoopGroup(loops, ringEntries);
    }

    /** The next loop, round robin. */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    public List<EventLoop> loops() {
        return loops;
    }

    /** Native bytes held by all uring4j runtime loops of this JVM (for leak checks). */
    public static long nativeBytes() {
        return NativeMemory.bytes();
    }

    /** Closes every loop: cancels in-flight requests, waits for their completions, frees memory. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (EventLoop loop : loops) {
            try {
                loop.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
