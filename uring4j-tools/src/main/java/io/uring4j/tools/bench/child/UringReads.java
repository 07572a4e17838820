package io.uring4j.tools.bench.child;

import io.uring4j.core.Cqe;
import io.uring4j.core.CqeHandler;
import io.uring4j.core.FsOps;
import io.uring4j.core.IoUring;
import io.uring4j.core.SetupFlag;
import io.uring4j.core.Sqe;
import io.uring4j.runtime.AsyncFile;
import io.uring4j.runtime.EventLoopGroup;
import io.uring4j.runtime.FileOpenOption;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.uring4j.tools.bench.child.ReadBench.BLOCK;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** The read workloads through uring4j: the raw core ring and the runtime's {@link AsyncFile}. */
final class UringReads {
    private UringReads() {}

    /**
     * The core API the way read_bench.c uses liburing, so the two compare line for line: a
     * {@code qd}-entry SINGLE_ISSUER|DEFER_TASKRUN ring, the file registered (IOSQE_FIXED_FILE),
     * one registered 4 KiB buffer per slot (READ_FIXED), {@code qd} reads in flight; each loop is
     * one submitAndWait(1), one forEachCqe that refills every finished slot, and two clock reads
     * (latency runs from the clock before the enter that submitted a read to the clock after the
     * one that reaped it). The ring is opened on the thread that drives it (SINGLE_ISSUER).
     * {@code eager}: each refilled read is submitted at once (one enter per read, as fio does),
     * trading CPU for a fuller device queue (see docs/benchmarks.md, O_DIRECT on the disk).
     */
    static LatencyHistogram core(Path file, boolean direct, int qd, long blocks, Window w, boolean eager) throws Exception {
        CoreLoop loop = new CoreLoop(file, direct, qd, blocks, w, eager);
        Thread t = Thread.ofPlatform().name("core-reads").start(loop);
        if (!loop.ready.await(60, TimeUnit.SECONDS)) throw new IOException("the core ring was not set up in 60 s");
        if (loop.failure == null) w.run(List.of(loop.stream));
        t.join();
        if (loop.failure != null) throw new IllegalStateException(loop.failure.toString(), loop.failure);
        return loop.stream.latencies;
    }

    private static final class CoreLoop implements Runnable, CqeHandler {
        final ReadBench.Stream stream;
        private final Path file;
        private final boolean direct;
        private final int qd;
        private final Window w;
        private final boolean eager;
        private final long[] offsets;
        private final long[] submitted;
        private final int[] fresh;
        private int freshCount;
        private int inFlight;
        private long reapedAt;
        /** The window's state, read once per batch. */
        private boolean timing;
        private boolean stopping;
        private IoUring ring;
        private MemorySegment buffers;
        /** One slice per slot, made once: the loop allocates nothing per read. */
        private MemorySegment[] slices;
        /** Counted down when the ring is set up (or failed to be): the window begins after it. */
        final CountDownLatch ready = new CountDownLatch(1);
        volatile Throwable failure;

        CoreLoop(Path file, boolean direct, int qd, long blocks, Window w, boolean eager) {
            this.eager = eager;
            this.stream = new ReadBench.Stream(0, blocks);
            this.file = file;
            this.direct = direct;
            this.qd = qd;
            this.w = w;
            this.offsets = new long[qd];
            this.submitted = new long[qd];
            this.fresh = new int[qd];
        }

        @Override
        public void run() {
            int fd = -1;
            try (Arena arena = Arena.ofConfined()) {
                ring = IoUring.open(qd, SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN);
                try {
                    // The file is opened (and closed) through the ring itself: core's public API only.
                    MemorySegment path = arena.allocateFrom(file.toString());
                    int flags = FsOps.O_RDONLY | FsOps.O_CLOEXEC | (direct ? FsOps.O_DIRECT : 0);
                    fd = once(ring.getSqe().prepOpenat(FsOps.AT_FDCWD, path, flags, 0));
                    if (fd < 0) throw new IOException("open " + file + ": errno " + -fd);
                    buffers = arena.allocate((long) qd * BLOCK, BLOCK);
                    slices = new MemorySegment[qd];
                    for (int i = 0; i < qd; i++) slices[i] = buffers.asSlice((long) i * BLOCK, BLOCK);
                    ring.registration().registerFiles(new int[] {fd});
                    ring.registration().registerBuffers(List.of(slices));
                    ready.countDown();
                    loop();
                } finally {
                    if (fd >= 0) {
                        ring.registration().unregisterFiles();
                        once(ring.getSqe().prepClose(fd));
                    }
                    ring.close();
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                ready.countDown();
            }
        }

        /** Submits the one request {@code sqe} prepared and waits for its CQE (reads a failed loop left are passed over): its result. */
        private int once(Sqe sqe) {
            sqe.userData(ONCE);
            ring.submitAndWait(1);
            while (true) {
                Cqe cqe = ring.waitCqe();
                long userData = cqe.userData();
                int res = cqe.res();
                ring.cqeSeen(cqe);
                if (userData == ONCE) return res;
            }
        }

        /** The user_data of {@link #once}'s requests; the reads use their slot numbers. */
        private static final long ONCE = -1;

        private void loop() {
            for (int i = 0; i < qd; i++) queue(i);
            inFlight = qd;
            while (inFlight > 0) {
                long now = System.nanoTime();
                for (int i = 0; i < freshCount; i++) submitted[fresh[i]] = now;
                freshCount = 0;
                ring.submitAndWait(1);
                reapedAt = System.nanoTime();
                timing = w.measuring();
                stopping = w.over();
                ring.forEachCqe(this);
            }
        }

        private void queue(int slot) {
            offsets[slot] = stream.nextOffset();
            ring.getSqe().prepReadFixed(0, slices[slot], offsets[slot], slot)
                    .fixedFile(0).userData(slot);
            fresh[freshCount++] = slot;
        }

        @Override
        public void handle(Cqe cqe) {
            int slot = (int) cqe.userData();
            stream.offset = offsets[slot];
            stream.check(cqe.res(), slices[slot].get(JAVA_LONG, 0));
            stream.count();
            if (timing) stream.latencies.record(reapedAt - submitted[slot]);
            if (stopping) {
                inFlight--;
            } else {
                queue(slot);
                if (eager) {
                    freshCount--; // submitted now, so its latency starts now
                    submitted[slot] = System.nanoTime();
                    ring.submit();
                }
            }
        }
    }

    /**
     * The runtime as an event-driven application would use it: one event loop, the file opened
     * with {@link FileOpenOption#REGISTERED}, {@code qd} direct buffers each with a read in flight
     * through {@link AsyncFile#read(java.nio.ByteBuffer, long, Object, java.nio.channels.CompletionHandler)};
     * each completion (on the loop thread) issues the next, which allocates nothing.
     */
    static LatencyHistogram runtime(Path file, boolean direct, int qd, long blocks, Window w) throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            AsyncFile f = direct
                    ? AsyncFile.open(group, file, StandardOpenOption.READ, FileOpenOption.REGISTERED, FileOpenOption.DIRECT)
                    : AsyncFile.open(group, file, StandardOpenOption.READ, FileOpenOption.REGISTERED);
            try (f) {
                return ReadSlot.run(qd, blocks, w, (dst, position, slot) -> f.read(dst, position, null, slot), "runtime reads");
            }
        }
    }
}
