package io.uring4j.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The child side of {@link ChildJvm}: a scenario main reports what it saw as {@code key=value}
 * lines on stdout (one line per value, newlines in a value flattened), and measures itself: open
 * fds, CPU time over an idle window (a busy loop shows up there), threads left behind.
 */
public final class ChildReport {
    private ChildReport() {}

    /** Prints {@code key=value}; the value on one line. */
    public static void put(String key, Object value) {
        System.out.println(key + "=" + String.valueOf(value).replace('\n', ' ').replace('\r', ' '));
        System.out.flush();
    }

    /** Something a scenario runs that may throw anything. */
    @FunctionalInterface
    public interface Step {
        void run() throws Throwable;
    }

    /**
     * Runs {@code step} and reports {@code key=ok}, or {@code key=<exception class>: <message>}
     * of what it threw (a null message shows as "null"); the throwable, or null.
     */
    public static Throwable outcome(String key, Step step) {
        try {
            step.run();
            put(key, "ok");
            return null;
        } catch (Throwable t) {
            put(key, describe(t));
            return t;
        }
    }

    /** As {@link #outcome} for a step with a result, which is returned (null when it threw). */
    public static <T> T outcome(String key, Callable<T> step) {
        try {
            T value = step.call();
            put(key, "ok");
            return value;
        } catch (Throwable t) {
            put(key, describe(t));
            return null;
        }
    }

    /** "java.io.IOException: open /x failed: EMFILE (Too many open files)". */
    public static String describe(Throwable t) {
        return t.getClass().getName() + ": " + t.getMessage();
    }

    /** Open file descriptors of this process (the listing's own fd left out). */
    public static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) throw new IllegalStateException("/proc/self/fd is not readable");
        return fds.length - 1;
    }

    /** Clock ticks per second of /proc's times (USER_HZ: 100 on every Linux ABI uring4j runs on). */
    private static final long TICKS_PER_SECOND = 100;

    /** utime + stime of a /proc stat line in ns; the fields after the name in parentheses (which may hold spaces). */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    /** Names of the live threads whose name starts with {@code prefix}, sorted. */
    public static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith(prefix)).sorted().toList();
    }

    /**
     * Sleeps {@code millis} and reports the CPU time spent meanwhile as {@code <key>.cpuMs} (the
     * whole process) and {@code <key>.loopCpuMs} (threads named {@code loopPrefix}): an idle
     * uring4j sleeps in the kernel, a busy loop burns about {@code millis}.
     */
    public static void idleCpu(String key, String loopPrefix, long millis) throws InterruptedException {
        try (CpuMeter meter = CpuMeter.open(loopPrefix)) {
            meter.idle(key, millis);
        }
    }

    /**
     * CPU counters read through fds opened up front, so they can be read while the process has
     * no free fd ({@link FdHog}): the process's {@code /proc/self/stat} and that of each thread
     * whose name starts with the prefix when the meter is opened.
     */
    public static final class CpuMeter implements AutoCloseable {
        private final FileChannel process;
        private final List<FileChannel> threads = new ArrayList<>();
        private final ByteBuffer buf = ByteBuffer.allocate(4096);

        private CpuMeter(FileChannel process) {
            this.process = process;
        }

        /** Opens the counters (needs one fd per matching thread, plus one). */
        public static CpuMeter open(String threadPrefix) {
            String wanted = threadPrefix.length() > 15 ? threadPrefix.substring(0, 15) : threadPrefix;
            try {
                CpuMeter m = new CpuMeter(FileChannel.open(Path.of("/proc/self/stat")));
                File[] tasks = new File("/proc/self/task").listFiles();
                if (tasks == null) throw new IOException("/proc/self/task is not readable");
                for (File task : tasks) {
                    try {
                        if (Files.readString(task.toPath().resolve("comm")).strip().startsWith(wanted)) {
                            m.threads.add(FileChannel.open(task.toPath().resolve("stat")));
                        }
                    } catch (NoSuchFileException ended) {
                        // the thread ended meanwhile
                    }
                }
                return m;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** CPU nanoseconds of the whole process so far. */
        public long processNanos() {
            return read(process);
        }

        /** CPU nanoseconds so far of the threads matched at open (0 for one that ended). */
        public long threadNanos() {
            long sum = 0;
            for (FileChannel t : threads) sum += read(t);
            return sum;
        }

        /** As {@link ChildReport#idleCpu}, through this meter's fds. */
        public void idle(String key, long millis) throws InterruptedException {
            long p = processNanos(), t = threadNanos();
            Thread.sleep(millis);
            put(key + ".cpuMs", (processNanos() - p) / 1_000_000);
            put(key + ".loopCpuMs", (threadNanos() - t) / 1_000_000);
            put(key + ".windowMs", millis);
        }

        private long read(FileChannel stat) {
            try {
                buf.clear();
                while (stat.read(buf, buf.position()) > 0) {
                    // a stat line is far shorter than the buffer
                }
                return ticks(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                return 0; // the thread ended: its counter is gone
            }
        }

        @Override
        public void close() {
            for (FileChannel c : threads) closeQuietly(c);
            closeQuietly(process);
        }

        private static void closeQuietly(FileChannel c) {
            try {
                c.close();
            } catch (IOException e) {
                // read-only /proc file
            }
        }
    }

    /**
     * Loads, without initializing, every class in the class-path directory that holds
     * {@code anchor} (nothing when it comes from a jar, which stays open once read): a class
     * loaded from a directory needs an fd, so a scenario that takes every fd loads first what it
     * will use, as a jar-based application would have it.
     */
    public static void preloadClassesBeside(Class<?> anchor) {
        try {
            Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(root)) return;
            try (var files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.endsWith("module-info.class")).toList()) {
                    String name = root.relativize(f).toString().replace(File.separatorChar, '.');
                    Class.forName(name.substring(0, name.length() - ".class".length()), false, anchor.getClassLoader());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not preload the classes beside " + anchor.getName(), e);
        }
    }

    /** The fds this process holds with what they are ("5:anon_inode:[io_uring]"), for a report that shows which leaked. */
    public static String fdList() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) return "?";
        return Arrays.stream(fds).mapToInt(Integer::parseInt).sorted().mapToObj(fd -> {
            try {
                return fd + ":" + Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(fd)));
            } catch (IOException e) {
                return fd + ":?";
            }
        }).reduce((a, b) -> a + "," + b).orElse("");
    }
}
