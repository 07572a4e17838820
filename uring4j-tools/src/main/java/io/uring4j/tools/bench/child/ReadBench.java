package io.uring4j.tools.bench.child;

import com.sun.nio.file.ExtendedOpenOption;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * 4 KiB random reads of one file, the Java side of the read and direct workloads: the JDK's
 * ways here, uring4j's in {@link UringReads}. Every read is checked: the bench files carry each
 * 4 KiB block's index in its first 8 bytes (little-endian), so a read that returned the wrong
 * block, or a short one, fails the measurement.
 *
 * <p>Arguments (key=value): {@code mode} (filechannel, vthreads, async, core, runtime),
 * {@code file}, {@code qd} (reads in flight; for filechannel the thread count is {@code threads}),
 * {@code direct} (O_DIRECT), {@code warmup} and {@code seconds}; for core, {@code eager} (submit
 * each refilled read at once).
 */
final class ReadBench {
    static final int BLOCK = 4096;

    private ReadBench() {}

    static String run(Map<String, String> args) throws Exception {
        Path file = Path.of(BenchChild.required(args, "file"));
        int qd = Integer.parseInt(args.getOrDefault("qd", "1"));
        int threads = Integer.parseInt(args.getOrDefault("threads", "1"));
        boolean direct = Boolean.parseBoolean(args.getOrDefault("direct", "false"));
        Window window = new Window(Double.parseDouble(BenchChild.required(args, "warmup")),
                Double.parseDouble(BenchChild.required(args, "seconds")));
        long blocks = java.nio.file.Files.size(file) / BLOCK;
        if (blocks < 1) throw new IllegalArgumentException(file + " is smaller than one block");
        if (qd < 1 || qd > 4096 || threads < 1 || threads > 64) {
            throw new IllegalArgumentException("qd must be 1..4096 and threads 1..64, given " + qd + " and " + threads);
        }
        LatencyHistogram latencies = switch (BenchChild.required(args, "mode")) {
            case "filechannel" -> blockingThreads(file, direct, threads, false, blocks, window);
            case "vthreads" -> blockingThreads(file, direct, qd, true, blocks, window);
            case "async" -> asyncChannel(file, direct, qd, blocks, window);
            case "core" -> UringReads.core(file, direct, qd, blocks, window,
                    Boolean.parseBoolean(args.getOrDefault("eager", "false")));
            case "runtime" -> UringReads.runtime(file, direct, qd, blocks, window);
            default -> throw new IllegalArgumentException("unknown read mode " + args.get("mode"));
        };
        return window.result(latencies);
    }

    /** The latencies of all streams, after checking that none failed. */
    static LatencyHistogram merge(List<? extends Stream> streams) {
        LatencyHistogram all = new LatencyHistogram();
        for (Stream s : streams) {
            if (s.failure != null) throw new IllegalStateException(s.failure.toString(), s.failure);
            all.add(s.latencies);
        }
        return all;
    }

    /** One read in this many is timed where reads are timed one by one (a clock read costs ~25 ns here). */
    static final int TIMED_EVERY = 8;

    /**
     * One sequence of reads that never overlap (a thread, or a slot of an asynchronous queue):
     * its own random offsets, completion counter and latency histogram, so nothing is shared
     * between threads. Where reads complete one by one, one in {@link #TIMED_EVERY} is timed,
     * from just before it is issued to its completion; read_bench.c and the core loop time
     * batches instead, with two clock reads per batch.
     */
    static class Stream extends Window.Counter {
        final LatencyHistogram latencies = new LatencyHistogram();
        long offset;
        long started;
        private int sequence;
        volatile Throwable failure;
        private long rng;
        private final long blocks;

        Stream(int id, long blocks) {
            this.rng = 0x9E3779B97F4A7C15L * (id + 1);
            this.blocks = blocks;
        }

        /** Picks the next random 4 KiB-aligned offset. */
        long nextOffset() {
            rng ^= rng >>> 12;
            rng ^= rng << 25;
            rng ^= rng >>> 27;
            offset = Long.remainderUnsigned(rng * 0x2545F4914F6CDD1DL, blocks) * BLOCK;
            return offset;
        }

        /** Called just before a read is issued: starts its clock if it is one of those timed. */
        void issuing() {
            started = ++sequence % TIMED_EVERY == 0 ? System.nanoTime() : 0;
        }

        /** A read completed: checks it, counts it, records its latency if it was timed. */
        void completed(int bytes, long firstWord, Window w) {
            check(bytes, firstWord);
            count();
            if (started != 0) {
                long now = System.nanoTime();
                if (w.measuring()) latencies.record(now - started);
            }
        }

        /** Fails unless the read returned a whole block, the one asked for. */
        void check(int bytes, long firstWord) {
            if (bytes != BLOCK) throw new IllegalStateException("read at " + offset + " returned " + bytes);
            if (firstWord != offset / BLOCK) {
                throw new IllegalStateException("read at " + offset + " returned block " + firstWord + ", not " + offset / BLOCK);
            }
        }
    }

    /** A 4 KiB direct buffer aligned to 4096 (O_DIRECT needs it), little-endian like the block index. */
    static ByteBuffer alignedBlock() {
        return ByteBuffer.allocateDirect(2 * BLOCK).alignedSlice(BLOCK).limit(BLOCK).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    static OpenOption[] readOptions(boolean direct) {
        return direct ? new OpenOption[] {StandardOpenOption.READ, ExtendedOpenOption.DIRECT}
                : new OpenOption[] {StandardOpenOption.READ};
    }

    /** {@code n} platform or virtual threads, each doing blocking positional reads on one shared channel. */
    private static LatencyHistogram blockingThreads(Path file, boolean direct, int n, boolean virtual, long blocks, Window w)
            throws Exception {
        try (FileChannel ch = FileChannel.open(file, readOptions(direct))) {
            List<Stream> streams = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Stream s = new Stream(i, blocks);
                streams.add(s);
                Runnable body = () -> {
                    ByteBuffer buf = alignedBlock();
                    try {
                        while (!w.over()) {
                            buf.clear();
                            s.issuing();
                            int got = ch.read(buf, s.nextOffset());
                            s.completed(got, buf.getLong(0), w);
                        }
                    } catch (Throwable t) {
                        s.failure = t;
                    }
                };
                threads.add(virtual ? Thread.ofVirtual().unstarted(body) : Thread.ofPlatform().name("read-" + i).unstarted(body));
            }
            threads.forEach(Thread::start);
            w.run(streams);
            for (Thread t : threads) t.join();
            return merge(streams);
        }
    }

    /** AsynchronousFileChannel (on Linux a thread pool doing blocking preads) with {@code qd} reads outstanding. */
    private static LatencyHistogram asyncChannel(Path file, boolean direct, int qd, long blocks, Window w) throws Exception {
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(file, java.util.Set.of(readOptions(direct)), null)) {
            return ReadSlot.run(qd, blocks, w, (dst, position, slot) -> ch.read(dst, position, null, slot), "asynchronous reads");
        }
    }
}
