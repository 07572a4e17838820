package io.uring4j.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** CPU time this process used so far (user and system, every thread), from /proc/self/stat. */
    public static long processCpuNanos() {
        return cpuNanos(Path.of("/proc/self/stat"));
    }

    /**
     * CPU time used so far by the live threads whose name starts with {@code prefix} (the kernel
     * keeps the first 15 characters of a thread's name), from /proc/self/task.
     */
    public static long threadCpuNanos(String prefix) {
        String wanted = prefix.length() > 15 ? prefix.substring(0, 15) : prefix;
        long sum = 0;
        File[] tasks = new File("/proc/self/task").listFiles();
        if (tasks == null) throw new IllegalStateException("/proc/self/task is not readable");
        for (File task : tasks) {
            try {
                if (Files.readString(task.toPath().resolve("comm")).strip().startsWith(wanted)) {
                    sum += cpuNanos(task.toPath().resolve("stat"));
                }
            } catch (IOException | UncheckedIOException e) {
                // the thread ended meanwhile
            }
        }
        return sum;
    }

    /** utime + stime of a /proc stat file; the fields after the name in parentheses (which may hold spaces). */
    private static long cpuNanos(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
            return ticks * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        long process = processCpuNanos();
        long loops = threadCpuNanos(loopPrefix);
        Thread.sleep(millis);
        put(key + ".cpuMs", (processCpuNanos() - process) / 1_000_000);
        put(key + ".loopCpuMs", (threadCpuNanos(loopPrefix) - loops) / 1_000_000);
        put(key + ".windowMs", millis);
    }

    /** The fd numbers this process holds, for a report that shows which ones leaked. */
    public static String fdList() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) return "?";
        return Arrays.stream(fds).mapToInt(Integer::parseInt).sorted().mapToObj(Integer::toString)
                .reduce((a, b) -> a + "," + b).orElse("");
    }
}
