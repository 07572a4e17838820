package io.uring4j.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of {@link EventLoop}s, one per core by default. {@link #next()} picks loops round
 * robin; a file or connection stays on the loop it was opened on. {@link #builder()} sets the
 * limits each loop keeps to (operations in flight, idle buffer memory) and how long a close may
 * take.
 */
public final class EventLoopGroup implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();
    /** Operations one loop admits in flight by default. */
    static final int DEFAULT_MAX_OPERATIONS = 65_536;
    static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /** What every loop of a group is made with (see the {@link Builder} setters). */
    record Settings(int ringEntries, int maxOperations, long idleBufferBytes, Duration closeTimeout) {}

    private final List<EventLoop> loops;
    private final Settings settings;
    private final AtomicInteger next = new AtomicInteger();

    private EventLoopGroup(int count, Settings settings) {
        this.settings = settings;
        List<EventLoop> started = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) started.add(new EventLoop(this, IDS.getAndIncrement(), settings));
        } catch (RuntimeException | Error e) {
            for (EventLoop loop : started) loop.beginClose(); // the ones already running must not linger
            throw e;
        }
        this.loops = List.copyOf(started);
    }

    /** One loop per available processor, 1024-entry rings. */
    public static EventLoopGroup create() {
        return builder().build();
    }

    /**
     * {@code loops} loops with 1024-entry rings.
     *
     * @throws IllegalArgumentException if {@code loops < 1}
     * @throws IllegalStateException if a loop cannot start (io_uring unavailable, no free fd,
     *         the locked-memory limit): the message says why; the loops already started are closed
     */
    public static EventLoopGroup create(int loops) {
        return builder().loops(loops).build();
    }

    /**
     * {@code loops} loops with rings of {@code ringEntries} SQEs; throws as {@link #create(int)},
     * and IllegalArgumentException for entries outside 8..32768.
     */
    public static EventLoopGroup create(int loops, int ringEntries) {
        return builder().loops(loops).ringEntries(ringEntries).build();
    }

    /** A builder with the defaults of {@link #create()}. */
    public static Builder builder() {
        return new Builder();
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

    /**
     * Closes every loop: cancels in-flight requests, waits for their completions, frees memory.
     * Requests ended this way fail with {@link java.nio.channels.AsynchronousCloseException}.
     * The loops close together, and the whole close waits at most the group's close timeout
     * ({@link Builder#closeTimeout}, 30 s by default); an interrupt does not cut it short (the
     * interrupt status is kept). Idempotent.
     *
     * @throws IllegalStateException some loop did not finish within the close timeout (the
     *         kernel has not completed a request despite its cancel); the message names each such
     *         loop and how many requests it still waits for. Those loops keep waiting in the
     *         background and free their memory when the kernel is done with it, never before;
     *         every other loop is closed
     */
    @Override
    public void close() {
        for (EventLoop loop : loops) {
            if (loop.inEventLoop()) {
                throw new IllegalStateException("an event loop group cannot be closed from one of its loops' threads");
            }
        }
        for (EventLoop loop : loops) loop.beginClose();
        long deadline = System.nanoTime() + Errors.saturatedNanos(settings.closeTimeout());
        List<String> stuck = new ArrayList<>();
        for (EventLoop loop : loops) {
            if (!loop.awaitTermination(deadline)) stuck.add(loop.stuck(settings.closeTimeout()));
        }
        if (!stuck.isEmpty()) throw new IllegalStateException(String.join("; ", stuck));
    }

    /**
     * Sets up a group: {@code EventLoopGroup.builder().loops(4).maxOperations(10_000).build()}.
     * Not thread-safe; {@link #build} may be called more than once.
     */
    public static final class Builder {
        private int loops = Runtime.getRuntime().availableProcessors();
        private int ringEntries = 1024;
        private int maxOperations = DEFAULT_MAX_OPERATIONS;
        private long idleBufferBytes = BufferPool.DEFAULT_IDLE_LIMIT;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

        private Builder() {}

        /** Number of loops (threads, rings); default: one per available processor. */
        public Builder loops(int loops) {
            if (loops < 1) throw new IllegalArgumentException("an event loop group needs at least 1 loop, given " + loops);
            this.loops = loops;
            return this;
        }

        /** Submission queue entries of each loop's ring, 8..32768; default 1024. */
        public Builder ringEntries(int entries) {
            if (entries < 8 || entries > 32768) {
                throw new IllegalArgumentException("ring entries must be 8..32768, given " + entries);
            }
            this.ringEntries = entries;
            return this;
        }

        /**
         * Requests one loop admits in flight at once (reads, writes, sends, receives, accepts,
         * opens, …, each counting until its last completion); default 65 536. A request beyond
         * fails at once with {@link java.util.concurrent.RejectedExecutionException} naming the
         * limit (a server sheds load instead of growing without bound); later requests are
         * admitted again as earlier ones complete. Each slot costs 256 bytes of native memory,
         * kept while the loop lives; the table never grows past the limit plus a fixed reserve
         * of 1024 slots for the later steps of work already admitted.
         */
        public Builder maxOperations(int maxOperations) {
            if (maxOperations < 16) throw new IllegalArgumentException("maxOperations must be >= 16, given " + maxOperations);
            if (maxOperations > (1 << 24)) {
                throw new IllegalArgumentException("maxOperations must be <= " + (1 << 24) + ", given " + maxOperations);
            }
            this.maxOperations = maxOperations;
            return this;
        }

        /**
         * Bytes of idle pooled buffers each loop keeps for reuse (the native copies of heap
         * buffers, paths, …); default 32 MiB. A buffer released while the loop already keeps
         * this much is freed at once, so a burst's memory goes back to the system when the
         * burst ends. 0 keeps none (every request with a heap buffer then allocates).
         */
        public Builder idleBufferBytes(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("idleBufferBytes must be >= 0, given " + bytes);
            this.idleBufferBytes = bytes;
            return this;
        }

        /** How long {@link EventLoopGroup#close()} (or a loop's close) may take; default 30 s. */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("closeTimeout must be > 0, given " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * Starts the loops.
         *
         * @throws IllegalStateException a loop could not start (no io_uring, no native access, …)
         */
        public EventLoopGroup build() {
            return new EventLoopGroup(loops, new Settings(ringEntries, maxOperations, idleBufferBytes, closeTimeout));
        }
    }
}
