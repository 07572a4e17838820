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

    /**
     * One loop per available processor, 1024-entry rings, and the {@link Builder}'s defaults for
     * the other limits.
     *
     * @return the started group; {@link #close()} it to stop its loops and free their memory
     * @throws IllegalStateException as {@link #create(int)}
     */
    public static EventLoopGroup create() {
        return builder().build();
    }

    /**
     * {@code loops} loops with 1024-entry rings.
     *
     * @param loops the number of loops (each a thread with a ring of its own), at least 1
     * @return the started group
     * @throws IllegalArgumentException if {@code loops < 1}
     * @throws IllegalStateException if a loop cannot start (io_uring unavailable, no free fd,
     *         the locked-memory limit): the message says why; the loops already started are closed
     */
    public static EventLoopGroup create(int loops) {
        return builder().loops(loops).build();
    }

    /**
     * {@code loops} loops with rings of {@code ringEntries} SQEs.
     *
     * @param loops the number of loops, at least 1
     * @param ringEntries submission queue entries of each loop's ring, 8..32768 (see
     *        {@link Builder#ringEntries})
     * @return the started group
     * @throws IllegalArgumentException if {@code loops < 1} or {@code ringEntries} is outside 8..32768
     * @throws IllegalStateException a loop could not start, as for {@link #create(int)}
     */
    public static EventLoopGroup create(int loops, int ringEntries) {
        return builder().loops(loops).ringEntries(ringEntries).build();
    }

    /** {@return a builder with the defaults of {@link #create()}} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@return the next loop, round robin} Any thread; what is opened on it stays on it. A
     * closed group's loops are returned too: the runtime's requests made on them fail with
     * {@link java.nio.channels.ClosedChannelException}.
     */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /** {@return the group's loops, in the order {@link #next()} starts from; the list cannot be modified} */
    public List<EventLoop> loops() {
        return loops;
    }

    /**
     * {@return the native bytes held by all uring4j runtime loops of this JVM} Their operation
     * slots, pooled buffers and receive buffers, for leak checks: a loop gives back all of its
     * bytes when its close has finished. Any thread.
     */
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
     *         every other loop is closed. Also thrown, before anything is closed, when called on
     *         one of the group's loop threads
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

        /**
         * Number of loops (threads, rings); default: one per available processor.
         *
         * @param loops the number of loops, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code loops < 1}
         */
        public Builder loops(int loops) {
            if (loops < 1) throw new IllegalArgumentException("an event loop group needs at least 1 loop, given " + loops);
            this.loops = loops;
            return this;
        }

        /**
         * Submission queue entries of each loop's ring, 8..32768; default 1024. The completion
         * queue gets four times as many, at least 4096. A loop submits early when its
         * submission queue fills, so this bounds the requests one submission carries, not those
         * in flight (see {@link #maxOperations}).
         *
         * @param entries the submission queue's size, 8..32768
         * @return this builder
         * @throws IllegalArgumentException if {@code entries} is outside 8..32768
         */
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
         *
         * @param maxOperations requests in flight per loop, 16..16 777 216 (2<sup>24</sup>)
         * @return this builder
         * @throws IllegalArgumentException if {@code maxOperations} is outside 16..2<sup>24</sup>
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
         *
         * @param bytes idle bytes kept per loop, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder idleBufferBytes(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("idleBufferBytes must be >= 0, given " + bytes);
            this.idleBufferBytes = bytes;
            return this;
        }

        /**
         * How long {@link EventLoopGroup#close()} (or a loop's close) may take; default 30 s.
         *
         * @param timeout the longest close, positive
         * @return this builder
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("closeTimeout must be > 0, given " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * Starts the loops, each on a daemon platform thread of its own, and waits (at most 30 s
         * per loop) until each has its ring; if one cannot start, those already started are
         * told to close.
         *
         * @return the started group
         * @throws IllegalStateException a loop could not start (no io_uring, no native access, …)
         */
        public EventLoopGroup build() {
            return new EventLoopGroup(loops, new Settings(ringEntries, maxOperations, idleBufferBytes, closeTimeout));
        }
    }
}
