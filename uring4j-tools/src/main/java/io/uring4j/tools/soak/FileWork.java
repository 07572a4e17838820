package io.uring4j.tools.soak;

import io.uring4j.runtime.EventLoopGroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The file side of the soak, beside the echo: source files in a temporary directory (empty,
 * small, medium, large and sparse, written through the runtime and read back with the JDK),
 * {@link Copier}s and {@link RandomReader}s on virtual threads until {@link #stop()}.
 */
final class FileWork {
    private final Path dir;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Copier> copiers = new ArrayList<>();
    private final List<RandomReader> readers = new ArrayList<>();
    private volatile boolean stopping;
    /** The last copies of every copier, with when they ended, for the report of a wrong copy. */
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private final long startNanos = System.nanoTime();

    private FileWork(Path dir) {
        this.dir = dir;
    }

    /** Creates the sources under a new temporary directory and starts the workers. */
    static FileWork start(EventLoopGroup group, long seed, int copiers, int readers, Tally tally) throws IOException {
        FileWork w = new FileWork(Files.createTempDirectory("uring4j-soak"));
        try {
            SplittableRandom r = new SplittableRandom(Pattern.seed(seed, -1, 0));
            Path sources = Files.createDirectory(w.dir.resolve("sources"));
            List<SourceFile> all = List.of(
                    SourceFile.create(group, sources.resolve("empty"), 0, r.nextLong(), false),
                    SourceFile.create(group, sources.resolve("small"), r.nextInt(1, 4096), r.nextLong(), false),
                    SourceFile.create(group, sources.resolve("medium"), r.nextInt(4096, 1 << 20), r.nextLong(), false),
                    SourceFile.create(group, sources.resolve("large"), r.nextInt(1 << 20, 8 << 20), r.nextLong(), false),
                    SourceFile.create(group, sources.resolve("sparse"), (4L << 20) + r.nextInt(2 << 20), r.nextLong(), true));
            List<SourceFile> readable = all.stream().filter(f -> f.size() > 0).toList();
            for (int i = 0; i < copiers; i++) {
                Path own = Files.createDirectory(w.dir.resolve("copier-" + i));
                Copier c = new Copier(group, all, own, r.nextLong(), tally, w);
                w.copiers.add(c);
                w.threads.add(Thread.ofVirtual().name("soak-copier-" + i).unstarted(c));
            }
            for (int i = 0; i < readers; i++) {
                RandomReader rr = new RandomReader(group, readable, r.nextLong(), tally, w);
                w.readers.add(rr);
                w.threads.add(Thread.ofVirtual().name("soak-reader-" + i).unstarted(rr));
            }
        } catch (IOException | RuntimeException e) {
            w.delete();
            throw e;
        }
        w.threads.forEach(Thread::start);
        return w;
    }

    void copied(String copy) {
        synchronized (recent) {
            recent.addLast(String.format(java.util.Locale.ROOT, "%.3f s: %s", (System.nanoTime() - startNanos) / 1e9, copy));
            if (recent.size() > 12) recent.pollFirst();
        }
    }

    String recentCopies() {
        synchronized (recent) {
            return String.join(" | ", recent);
        }
    }

    /** Where the sources are (their fds, should any stay open, are named by this path). */
    Path sourcesDirectory() {
        return dir.resolve("sources");
    }

    boolean stopping() {
        return stopping;
    }

    void stop() {
        stopping = true;
    }

    /** Waits for every worker, at most until {@code deadlineNanos}; whether they all ended. */
    boolean awaitEnd(long deadlineNanos) throws InterruptedException {
        for (Thread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) return false;
        }
        return true;
    }

    /** What the workers still running do (for the drain's and the watchdog's reports). */
    List<String> unfinished() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < copiers.size(); i++) {
            if (threads.get(i).isAlive()) out.add("copier " + i + ": " + copiers.get(i).doing);
        }
        for (int i = 0; i < readers.size(); i++) {
            if (threads.get(copiers.size() + i).isAlive()) out.add("reader " + i + ": " + readers.get(i).doing);
        }
        return out;
    }

    /** Removes the directory and everything in it. */
    void delete() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
