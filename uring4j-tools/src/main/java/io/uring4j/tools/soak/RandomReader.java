package io.uring4j.tools.soak;

import io.uring4j.runtime.AsyncFile;
import io.uring4j.runtime.EventLoopGroup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One reader: random reads (1 B to 64 KiB, most of them small, at any position, end of file
 * included, into direct and heap buffers at odd offsets) of an {@link AsyncFile} it reopens now
 * and then, each waited for, cancelled at once or a little later, given a deadline of
 * microseconds, or interrupted; at most one every {@link #PACE_NANOS}, so that the file side
 * stays beside the echo rather than taking the CPUs. A read that completed must hold the
 * file's bytes (all of them unless it raced a cancel) and have moved the buffer's position by
 * its count; one that was given up counts as a cancel.
 *
 * <p>A given-up read's buffer is put aside for {@link #QUARANTINE_NANOS} before it is used
 * again: the runtime only asks the kernel to cancel, so the read may still complete, into a
 * direct buffer or (heap buffers) copied out afterwards. How often a heap buffer was still
 * written is counted ({@link Tally#lateWrites}): the runtime does not promise otherwise, so it
 * is a figure, not an error.
 */
final class RandomReader implements Runnable {
    static final int MAX_READ = 64 * 1024;
    /** Room for reads that start at an odd index of the buffer. */
    private static final int SLACK = 64;
    private static final byte SENTINEL = 0x5A;
    static final long QUARANTINE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** At most this many buffers wait in quarantine; past it the oldest are dropped to the GC. */
    private static final int QUARANTINE_MAX = 2048;
    static final long PACE_NANOS = 500_000;

    enum Mode { WAIT, BLOCKING, CANCEL_AT_ONCE, CANCEL_LATER, DEADLINE, INTERRUPT }

    private final EventLoopGroup group;
    private final List<SourceFile> sources;
    private final SplittableRandom random;
    private final Tally tally;
    private final FileWork work;
    private ByteBuffer direct = ByteBuffer.allocateDirect(MAX_READ + SLACK);
    private ByteBuffer heap = ByteBuffer.allocate(MAX_READ + SLACK);
    private final ArrayDeque<Abandoned> quarantine = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> spareDirect = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> spareHeap = new ArrayDeque<>();
    private AsyncFile file;
    private SourceFile source;
    private int usesLeft;
    volatile String doing = "nothing yet";

    RandomReader(EventLoopGroup group, List<SourceFile> sources, long seed, Tally tally, FileWork work) {
        this.group = group;
        this.sources = sources;
        this.random = new SplittableRandom(seed);
        this.tally = tally;
        this.work = work;
    }

    @Override
    public void run() {
        try {
            for (long n = 0; !work.stopping(); n++) {
                try {
                    readOnce(n);
                } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
                    tally.error(doing, e instanceof ExecutionException ? e.getCause() : e);
                    closeFile();
                    Thread.sleep(100);
                }
                release(System.nanoTime());
                Thread.sleep(Duration.ofNanos(PACE_NANOS));
            }
        } catch (InterruptedException e) {
            // stopping
        } finally {
            closeFile();
        }
    }

    private void readOnce(long n) throws IOException, InterruptedException, ExecutionException, TimeoutException {
        if (file == null || usesLeft-- == 0) {
            closeFile();
            source = sources.get(random.nextInt(sources.size()));
            doing = "open " + source;
            file = AsyncFile.open(group, source.path(), ClientSocket.DEADLINE);
            usesLeft = random.nextInt(50, 500);
        }
        long position = random.nextLong(source.size() + 1);
        int length = (int) Math.min(MAX_READ, Math.max(1, Math.exp(random.nextDouble() * Math.log(MAX_READ + 1.0))));
        boolean isDirect = random.nextBoolean();
        ByteBuffer buf = isDirect ? direct : heap;
        int start = random.nextInt(SLACK);
        buf.clear().position(start).limit(start + length);
        int expected = (int) Math.min(length, source.size() - position);
        Mode mode = Mode.values()[random.nextInt(Mode.values().length)];
        doing = "read " + n + " of " + source + ": " + length + " bytes at " + position + " into a " + (isDirect ? "direct" : "heap")
                + " buffer at " + start + ", " + mode;
        Integer got = switch (mode) {
            case WAIT -> file.readAsync(buf, position).get(ClientSocket.DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
            case BLOCKING -> file.read(buf, position, ClientSocket.DEADLINE);
            case CANCEL_AT_ONCE -> cancelled(file.readAsync(buf, position), 0);
            case CANCEL_LATER -> cancelled(file.readAsync(buf, position), random.nextLong(1, 300_000));
            case DEADLINE -> timed(buf, position);
            case INTERRUPT -> interrupted(buf, position);
        };
        if (got == null) { // given up: the buffer is not ours for a while
            tally.cancels.increment();
            abandon(buf, isDirect, start, length);
            return;
        }
        check(buf, start, position, expected, got, mode == Mode.WAIT || mode == Mode.BLOCKING);
    }

    private Integer cancelled(CompletableFuture<Integer> f, long afterNanos) throws InterruptedException, ExecutionException, TimeoutException {
        if (afterNanos > 0) Thread.sleep(Duration.ofNanos(afterNanos));
        if (f.cancel(true)) return null;
        return f.get(ClientSocket.DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
    }

    private Integer timed(ByteBuffer buf, long position) throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<Integer> f = file.readAsync(buf, position, Duration.ofNanos(random.nextLong(1_000, 1_000_000)));
        try {
            return f.get(ClientSocket.DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InterruptedByTimeoutException) return null;
            throw e;
        }
    }

    private Integer interrupted(ByteBuffer buf, long position) throws IOException, InterruptedException {
        AsyncFile f = file;
        Integer[] got = new Integer[1];
        Throwable[] failed = new Throwable[1];
        Thread t = Thread.ofVirtual().name("soak-read-interrupted").start(() -> {
            try {
                got[0] = f.read(buf, position);
            } catch (Throwable e) {
                failed[0] = e;
            }
        });
        Thread.sleep(Duration.ofNanos(random.nextLong(1, 300_000)));
        t.interrupt();
        if (!t.join(ClientSocket.DEADLINE)) {
            throw new IOException("the interrupted read still waits " + ClientSocket.DEADLINE.toSeconds() + " s later");
        }
        if (failed[0] instanceof InterruptedIOException || failed[0] instanceof CancellationException) return null;
        if (failed[0] instanceof IOException io) throw io;
        if (failed[0] != null) throw new IOException("the interrupted read failed", failed[0]);
        return got[0];
    }

    /** A completed read: its count, the buffer's position and every byte. */
    private void check(ByteBuffer buf, int start, long position, int expected, int got, boolean whole) {
        String what = doing + " -> " + got;
        if (expected == 0) {
            if (got != -1) tally.error(what + ": expected -1 (end of file)");
            else tally.reads.increment();
            return;
        }
        if (got < 0 || got > expected || (whole && got != expected)) {
            tally.error(what + ": expected " + (whole ? "" : "at most ") + expected + " bytes");
            return;
        }
        if (buf.position() != start + got) {
            tally.error(what + ": the buffer's position is " + buf.position() + ", expected " + (start + got));
            return;
        }
        int bad = source.mismatch(buf, start, position, got);
        if (bad >= 0) {
            tally.error(String.format("%s: file byte %d is 0x%02x, expected 0x%02x", what, position + bad,
                    buf.get(start + bad) & 0xff, source.at(position + bad) & 0xff));
            return;
        }
        tally.reads.increment();
        tally.readBytes.add(got);
    }

    /**
     * Puts a given-up read's buffer aside (a heap one with a sentinel in its range, to see later
     * whether the read still landed) and takes a spare one in its place.
     */
    private void abandon(ByteBuffer buf, boolean isDirect, int start, int length) {
        if (!isDirect) for (int i = start; i < start + length; i++) buf.put(i, SENTINEL);
        quarantine.addLast(new Abandoned(buf, isDirect, start, length, System.nanoTime()));
        if (quarantine.size() > QUARANTINE_MAX) quarantine.pollFirst();
        if (isDirect) {
            ByteBuffer b = spareDirect.pollFirst();
            direct = b != null ? b : ByteBuffer.allocateDirect(MAX_READ + SLACK);
        } else {
            ByteBuffer b = spareHeap.pollFirst();
            heap = b != null ? b : ByteBuffer.allocate(MAX_READ + SLACK);
        }
    }

    /** Buffers given up long enough ago become spares (heap ones checked for a late copy first). */
    private void release(long now) {
        while (!quarantine.isEmpty() && now - quarantine.peekFirst().at() > QUARANTINE_NANOS) {
            Abandoned a = quarantine.pollFirst();
            if (a.direct()) {
                spareDirect.addLast(a.buffer());
                continue;
            }
            tally.abandonedChecked.increment();
            boolean written = a.buffer().position() != a.start();
            for (int i = a.start(); i < a.start() + a.length() && !written; i++) written = a.buffer().get(i) != SENTINEL;
            if (written) tally.lateWrites.increment();
            spareHeap.addLast(a.buffer());
        }
    }

    private void closeFile() {
        if (file == null) return;
        try {
            file.close();
        } catch (IOException | RuntimeException e) {
            tally.error("close " + source, e);
        }
        file = null;
    }

    private record Abandoned(ByteBuffer buffer, boolean direct, int start, int length, long at) {
    }
}
