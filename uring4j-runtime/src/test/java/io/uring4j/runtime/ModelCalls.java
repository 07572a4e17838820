package io.uring4j.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the model test's actions share: waiting for a future without ever throwing or hanging,
 * interrupting a thread only while it is inside one library call, and the fds of this process.
 */
final class ModelCalls {
    private ModelCalls() {}

    /** What {@link #outcome} returns when the future did not complete in time. */
    static final Object NOT_DONE = new Object() {
        @Override
        public String toString() {
            return "not done";
        }
    };

    /**
     * The value of {@code f}, or its failure (the cause, not the ExecutionException), or
     * {@link #NOT_DONE} after {@code millis}. Interrupts are kept for later, never thrown.
     */
    static Object outcome(CompletableFuture<?> f, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    return e.getCause();
                } catch (java.util.concurrent.CancellationException e) {
                    return e;
                } catch (TimeoutException e) {
                    return NOT_DONE;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** The outcome of a future that is done (value or failure). */
    static Object doneOutcome(CompletableFuture<?> f) {
        return outcome(f, 0);
    }

    /** Parks without caring about interrupts (they belong to the library calls around it). */
    static void pause(long nanos) {
        if (nanos > 0) java.util.concurrent.locks.LockSupport.parkNanos(nanos);
    }

    /**
     * Interrupts threads from a timer, only while they are inside the one call they armed a
     * {@link Token} for: an interrupt must not leak into the test's own waits or a later call.
     */
    static final class Interrupter implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "model-interrupter");
            t.setDaemon(true);
            return t;
        });

        /** One armed interrupt of the current thread. */
        static final class Token {
            private final Thread thread;
            private boolean active = true;
            private boolean fired;

            Token(Thread thread) {
                this.thread = thread;
            }

            synchronized void fire() {
                if (active) {
                    fired = true;
                    thread.interrupt();
                }
            }

            /** The call returned: no interrupt from now on, any pending one cleared; whether it fired. */
            boolean disarm() {
                boolean f;
                synchronized (this) {
                    active = false;
                    f = fired;
                }
                Thread.interrupted();
                return f;
            }
        }

        /** Arms an interrupt of the calling thread after {@code nanos} (0: before the call even starts). */
        Token arm(long nanos) {
            Token t = new Token(Thread.currentThread());
            if (nanos <= 0) t.fire();
            else timer.schedule(t::fire, nanos, TimeUnit.NANOSECONDS);
            return t;
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /**
     * Makes the JDK open the fds it opens once per process on first use (NIO's pre-close
     * socketpair, made at the first close of a selectable channel), so a baseline taken after
     * this does not count them as a run's.
     */
    static void warmUpJdkFds() throws IOException {
        java.nio.channels.Pipe p = java.nio.channels.Pipe.open();
        p.source().close();
        p.sink().close();
        Path f = Files.createTempFile("uring4j-model-warm-up", ".bin");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
            ch.size();
        } finally {
            Files.delete(f);
        }
    }

    /** The open fds of this process and what they name. */
    static Map<Integer, String> fds() {
        Map<Integer, String> m = new TreeMap<>();
        String[] names = new File("/proc/self/fd").list();
        if (names == null) return m;
        for (String n : names) {
            try {
                m.put(Integer.parseInt(n), Files.readSymbolicLink(Path.of("/proc/self/fd", n)).toString());
            } catch (IOException | NumberFormatException gone) {
                // the fd that listed the directory, or one closed meanwhile
            }
        }
        return m;
    }

    /** The fds in {@code after} that {@code before} did not have (same number and target), described. */
    static String newFds(Map<Integer, String> before, Map<Integer, String> after) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<Integer, String> e : after.entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey()))) s.append(' ').append(e.getKey()).append("->").append(e.getValue());
        }
        return s.toString();
    }

    /** A short name for an outcome in the log. */
    static String describe(Object outcome) {
        if (outcome instanceof Throwable t) {
            return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : "(" + t.getMessage() + ")");
        }
        return String.valueOf(outcome);
    }
}
