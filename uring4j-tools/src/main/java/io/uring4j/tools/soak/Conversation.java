package io.uring4j.tools.soak;

import io.uring4j.runtime.EventLoopGroup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * One client connection's life, all of it derived from (run seed, slot, number): connect, a
 * few messages of random sizes (1 B to 256 KiB, most of them small) written by one thread
 * while this one reads the echo and checks every byte against the stream's {@link Pattern},
 * then one of three endings:
 * <ul>
 * <li>{@link Ending#CLOSE}: every byte came back, then a graceful close;</li>
 * <li>{@link Ending#HALF_CLOSE}: the writer shuts its output after the last byte; the echo
 *     must come back whole and then end (-1), nothing more;</li>
 * <li>{@link Ending#RESET}: after a random part of the echo, the connection is reset
 *     (SO_LINGER 0). Failures of the writer are then expected and not errors; the server must
 *     survive it and free its end ({@link EchoServer} counts that).</li>
 * </ul>
 * Every wait has a deadline ({@link ClientSocket#DEADLINE}); the monitor of {@link Clients}
 * uses {@link #idleNanos} and {@link #waitingFor} for a wait that has none.
 */
final class Conversation {
    enum Ending {
        CLOSE("close"), HALF_CLOSE("half-close"), RESET("reset");

        final String label;

        Ending(String label) {
            this.label = label;
        }
    }

    static final int MAX_MESSAGE = 256 * 1024;
    static final int MAX_MESSAGES = 32;
    /** How long the writer may outlive the reader's end before it counts as stuck. */
    private static final long WRITER_JOIN_MILLIS = ClientSocket.DEADLINE.toMillis() + 5_000;

    final String name;
    final boolean jdk;
    final Ending ending;
    final Pattern pattern;
    /** Message sizes, and where each ends in the stream. */
    private final int[] sizes;
    private final long[] ends;
    private final long total;
    /** RESET: echo bytes read before the reset. */
    private final long cut;

    // progress, for the monitor (written by the reader and the writer)
    private volatile long progressNanos = System.nanoTime();
    private volatile String phase = "to connect";
    private volatile long read;
    private volatile long written;
    private volatile ClientSocket socket;
    private volatile Throwable writeFailure;
    private EchoServer server;
    private Thread writer;
    /** Set by the monitor: the conversation was reported stuck and reset; its own failures follow from that. */
    volatile boolean stuck;

    Conversation(long runSeed, int slot, int number) {
        long seed = Pattern.seed(runSeed, slot, number);
        SplittableRandom r = new SplittableRandom(seed);
        this.pattern = new Pattern(seed);
        this.name = "c" + slot + "." + number;
        this.jdk = r.nextInt(4) == 0;
        int e = r.nextInt(10);
        this.ending = e < 2 ? Ending.RESET : e < 5 ? Ending.HALF_CLOSE : Ending.CLOSE;
        this.sizes = new int[skewed(r, MAX_MESSAGES)];
        this.ends = new long[sizes.length];
        long at = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = skewed(r, MAX_MESSAGE);
            at += sizes[i];
            ends[i] = at;
        }
        this.total = at;
        this.cut = ending == Ending.RESET ? r.nextLong(total + 1) : total;
    }

    /** 1..max, log-uniform: as many sizes between 1 and 16 as between 16 K and 256 K. */
    private static int skewed(SplittableRandom r, int max) {
        return (int) Math.min(max, Math.max(1, Math.exp(r.nextDouble() * Math.log(max + 1.0))));
    }

    /**
     * Runs the conversation; every failure is an error in {@code tally}. Returns whether
     * {@code buffers} may be reused (nothing can touch them any more).
     */
    boolean run(EventLoopGroup group, EchoServer server, Tally tally, Buffers buffers) {
        ClientSocket s;
        try {
            s = ClientSocket.connect(jdk, group, server.address());
        } catch (IOException | RuntimeException e) {
            tally.error(this + ": connect to " + server.address(), e);
            return true;
        }
        this.server = server;
        tally.connects.increment();
        socket = s;
        progress("to read the echo");
        writer = Thread.ofVirtual().name("soak-" + name + "-writer").start(() -> writeAll(s, buffers.out));
        boolean clean = false;
        try {
            readEcho(s, buffers.in, tally);
            if (ending == Ending.RESET) {
                progress("to reset");
                s.reset();
            } else {
                progress("for the writer to end");
                writer.join(WRITER_JOIN_MILLIS);
                progress("to close");
                s.close();
            }
            clean = true;
        } catch (Broken b) {
            if (!stuck) tally.error(this + ": " + b.getMessage());
        } catch (IOException | RuntimeException e) {
            if (!stuck) tally.error(this + ": " + waitingFor() + "; the client: " + s + "; " + server.describePeerAndQueues(pattern), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tally.error(this + ": interrupted, " + waitingFor());
        }
        if (!clean) resetQuietly(s);
        try {
            writer.join(WRITER_JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            tally.error(this + ": the writer is still blocked " + (WRITER_JOIN_MILLIS / 1000) + " s after the reader ended, "
                    + written + " of " + total + " bytes written");
            return false; // it may still use its buffer
        }
        Throwable w = writeFailure;
        if (clean && w != null && ending != Ending.RESET) {
            tally.error(this + ": the writer failed after " + written + " of " + total + " bytes", w);
        }
        if (clean) {
            switch (ending) {
                case CLOSE -> tally.closes.increment();
                case HALF_CLOSE -> tally.halfCloses.increment();
                case RESET -> tally.resets.increment();
            }
        }
        return true;
    }

    /** Reads the echo (to the cut of a reset; to the end of stream after a half-close), checking every byte. */
    private void readEcho(ClientSocket s, ByteBuffer in, Tally tally) throws IOException, Broken {
        long got = 0;
        int message = 0;
        while (got < cut) {
            in.clear();
            if (cut - got < in.capacity()) in.limit((int) (cut - got));
            int n = s.read(in);
            if (n < 0) throw new Broken("the echo ended after " + got + " of " + total + " bytes (" + written + " written)");
            int bad = pattern.mismatch(in, 0, got, n);
            if (bad >= 0) {
                String what = mismatch(got + bad, in.get(bad), n, got) + ": " + Mismatch.describe(pattern, in, 0, n, got, bad)
                        + "; " + server.describePeer(pattern);
                Mismatch.Runs runs = new Mismatch.Runs(pattern, got);
                String followed = follow(s, in, n, runs);
                if (runs.isPermutation(total)) throw new Reordered(this + ": " + what + "; the stream offsets received: " + followed);
                throw new Broken(what + "; the stream offsets received: " + followed);
            }
            got += n;
            read = got;
            progressNanos = System.nanoTime();
            tally.bytesEchoed.add(n);
            while (message < sizes.length && ends[message] <= got) {
                message++;
                tally.messages.increment();
            }
        }
        if (ending == Ending.HALF_CLOSE) {
            progress("for the end of stream after the whole echo");
            in.clear();
            int n = s.read(in);
            if (n >= 0) throw new Broken(n + " bytes came after the whole echo of " + total + " bytes instead of its end");
        }
    }

    /** After a mismatch: reads on until as many bytes came as were written (or the end, or a failure), mapping the offsets. */
    private String follow(ClientSocket s, ByteBuffer in, int n, Mismatch.Runs runs) {
        runs.add(in, 0, n);
        String end = "";
        try {
            while (runs.received() < written || writer != null && writer.isAlive()) {
                in.clear();
                int k = s.read(in);
                if (k < 0) {
                    end = ", then the end of stream";
                    break;
                }
                runs.add(in, 0, k);
            }
        } catch (IOException | RuntimeException e) {
            end = ", then " + e;
        }
        return runs + " (" + runs.received() + " bytes of " + written + " written" + end + ")";
    }

    private String mismatch(long at, byte got, int readCount, long readAt) {
        int m = 0;
        while (ends[m] <= at) m++;
        long inMessage = at - (ends[m] - sizes[m]);
        return String.format("echo byte %d (message %d of %d, byte %d of its %d) is 0x%02x, expected 0x%02x"
                        + " (a read of %d bytes at %d; %d bytes written)",
                at, m + 1, sizes.length, inMessage, sizes[m], got & 0xff, pattern.at(at) & 0xff, readCount, readAt, written);
    }

    private void writeAll(ClientSocket s, ByteBuffer out) {
        long at = 0;
        try {
            for (int size : sizes) {
                int left = size;
                while (left > 0) {
                    int n = Math.min(left, out.capacity());
                    out.clear();
                    pattern.put(out, at, n);
                    s.write(out.flip());
                    at += n;
                    left -= n;
                    written = at;
                    progressNanos = System.nanoTime();
                }
            }
            if (ending == Ending.HALF_CLOSE) s.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            writeFailure = e;
        }
    }

    private void progress(String waitingFor) {
        phase = waitingFor;
        progressNanos = System.nanoTime();
    }

    private static void resetQuietly(ClientSocket s) {
        try {
            s.reset();
        } catch (IOException | RuntimeException ignored) {
            // the conversation already failed; this only frees the socket
        }
    }

    /** Monitor: resets the socket of a conversation that made no progress, so its threads end. */
    void resetStuck() {
        stuck = true;
        ClientSocket s = socket;
        if (s != null) resetQuietly(s);
    }

    long idleNanos(long now) {
        return now - progressNanos;
    }

    /** What the conversation waits for, with its progress: for stuck reports. */
    String waitingFor() {
        return "waiting " + phase + "; echo " + read + " of " + cut + " bytes read, " + written + " of " + total + " written";
    }

    @Override
    public String toString() {
        return name + " (" + (jdk ? "JDK" : "uring4j") + " client, " + sizes.length + " messages, " + total + " bytes, "
                + ending.label + ")";
    }

    /** A check failed: the message says which byte, what came and what was expected. */
    static class Broken extends Exception {
        Broken(String message) {
            super(message, null, false, false);
        }
    }

    /** Every byte came back, once, but out of order: the mark of a send chain split in two (fixed, an error). */
    static final class Reordered extends Broken {
        Reordered(String message) {
            super(message);
        }
    }

    /** A conversation's two buffers (direct for uring4j clients, heap arrays for JDK ones), reused across conversations. */
    record Buffers(ByteBuffer in, ByteBuffer out) {
        static final int BYTES = 32 * 1024;

        static Buffers of(boolean direct) {
            return direct ? new Buffers(ByteBuffer.allocateDirect(BYTES), ByteBuffer.allocateDirect(BYTES))
                    : new Buffers(ByteBuffer.allocate(BYTES), ByteBuffer.allocate(BYTES));
        }
    }
}
