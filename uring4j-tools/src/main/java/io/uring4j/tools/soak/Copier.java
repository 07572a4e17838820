package io.uring4j.tools.soak;

import io.uring4j.runtime.AsyncFile;
import io.uring4j.runtime.AsyncFiles;
import io.uring4j.runtime.EventLoopGroup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * One copy worker: {@link AsyncFile#copy} of a random source into its own directory, over an
 * existing file now and then, with the default or random chunking; most copies run to their
 * end and must equal their source byte for byte; some get a deadline of a few milliseconds or
 * an interrupt, and if they stop short the target must be untouched (absent, or its old bytes)
 * and no temporary file may be left. Then the target is deleted through the runtime.
 */
final class Copier implements Runnable {
    private final EventLoopGroup group;
    private final List<SourceFile> sources;
    private final Path dir;
    private final Path target;
    private final SplittableRandom random;
    private final Tally tally;
    private final FileWork work;
    volatile String doing = "nothing yet";
    private String previous = "none";
    /** The source of the copy before, if it was interrupted: its rename may still land (a known bug). */
    private SourceFile previousInterrupted;
    private Pattern oldPattern;

    Copier(EventLoopGroup group, List<SourceFile> sources, Path dir, long seed, Tally tally, FileWork work) {
        this.group = group;
        this.sources = sources;
        this.dir = dir;
        this.target = dir.resolve("target");
        this.random = new SplittableRandom(seed);
        this.tally = tally;
        this.work = work;
    }

    @Override
    public void run() {
        for (long n = 0; !work.stopping(); n++) {
            SourceFile source = sources.get(random.nextInt(sources.size()));
            try {
                copyOnce(n, source);
                Thread.sleep(1); // beside the echo, not instead of it
            } catch (IOException | RuntimeException e) {
                tally.error(doing + " of " + source, e);
                pause();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void copyOnce(long n, SourceFile source) throws IOException, InterruptedException {
        byte[] old = null;
        if (random.nextInt(3) == 0) { // an existing target, replaced
            old = new byte[random.nextInt(64 * 1024)];
            oldPattern = new Pattern(random.nextLong());
            oldPattern.fill(old, 0, 0, old.length);
            Files.write(target, old);
        }
        CopyOption[] options = old != null ? new CopyOption[] {StandardCopyOption.REPLACE_EXISTING} : new CopyOption[0];
        boolean chunked = random.nextBoolean();
        int chunk = chunked ? 4096 << random.nextInt(9) : 1 << 20;
        int depth = chunked ? random.nextInt(1, 17) : 8;
        int how = random.nextInt(20);
        Duration deadline = how == 0 || how == 1 ? Duration.ofNanos(random.nextLong(100_000, 20_000_000)) : ClientSocket.DEADLINE;
        boolean interrupt = how == 2;
        doing = dir.getFileName() + " copy " + n + " (chunk " + chunk + ", depth " + depth + (old != null ? ", replacing " + old.length + " bytes" : "")
                + ", deadline " + deadline.toNanos() / 1000 + " us" + (interrupt ? ", interrupted" : "") + ")";
        long copied;
        Throwable stopped = null;
        if (interrupt) {
            Result r = new Result();
            Thread t = Thread.ofVirtual().name("soak-copy-interrupted").start(() -> {
                try {
                    r.copied = AsyncFiles.copy(group, source.path(), target, chunk, depth, deadline, options);
                } catch (Throwable e) {
                    r.failure = e;
                }
            });
            Thread.sleep(Duration.ofNanos(random.nextLong(0, 2_000_000)));
            t.interrupt();
            if (!t.join(ClientSocket.DEADLINE.plusSeconds(5))) {
                throw new IOException("the interrupted copy still runs " + ClientSocket.DEADLINE.plusSeconds(5).toSeconds() + " s later");
            }
            copied = r.copied;
            stopped = r.failure;
        } else {
            try {
                copied = AsyncFiles.copy(group, source.path(), target, chunk, depth, deadline, options);
            } catch (InterruptedByTimeoutException e) {
                if (deadline == ClientSocket.DEADLINE) throw e; // an ordinary copy: a timeout is an error
                copied = -1;
                stopped = e;
            }
        }
        if (stopped instanceof InterruptedIOException || stopped instanceof InterruptedByTimeoutException) {
            tally.copiesCut.increment();
            checkUntouched(source, old, stopped);
        } else if (stopped != null) {
            throw stopped instanceof IOException io ? io : new IOException(stopped);
        } else {
            check(source, copied);
            tally.copies.increment();
            tally.copyBytes.add(copied);
        }
        checkNoTemporary();
        String copy = doing + " of " + source + (stopped != null ? ", stopped: " + Tally.describe(stopped) : "");
        doing = "delete the target of " + dir.getFileName() + " copy " + n;
        if (Files.exists(target)) AsyncFiles.delete(group, target, ClientSocket.DEADLINE);
        previous = copy;
        work.copied(copy);
        previousInterrupted = stopped instanceof InterruptedIOException ? source : null;
    }

    private void check(SourceFile source, long copied) throws IOException {
        if (copied != source.size()) tally.error(doing + " of " + source + " returned " + copied + " bytes");
        long size = Files.size(target);
        long bad = Files.mismatch(source.path(), target);
        if (size != source.size() || bad >= 0) {
            if (previousInterrupted != null && Files.size(target) == previousInterrupted.size()
                    && Files.mismatch(previousInterrupted.path(), target) < 0) {
                tally.error(doing + " of " + source + ": the target holds the whole of "
                        + previousInterrupted + ", the source of the copy before, which was interrupted: its rename landed late,"
                        + " over this copy's target (" + previous + ")");
                return;
            }
            byte[] probe = bytesAt(target, bad, 32);
            tally.error(doing + " of " + source + ": the target has " + size + " bytes and differs at byte " + bad
                    + (bad < source.size() ? String.format(" (0x%02x, expected 0x%02x)", probe[0] & 0xff, source.at(bad) & 0xff) : "")
                    + "; " + whose(probe, bad) + "; the copy before: " + previous + "; the last copies of every copier: "
                    + work.recentCopies());
        }
    }

    /** Up to {@code n} bytes of {@code p} at {@code at}. */
    private static byte[] bytesAt(Path p, long at, int n) throws IOException {
        try (FileChannel ch = FileChannel.open(p)) {
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
                // until n bytes or the end
            }
            return Arrays.copyOf(b.array(), b.position());
        }
    }

    /**
     * Where wrong bytes at {@code at} of the target come from. Every stream is a shift of one
     * table, so any pattern bytes "are" some offset of every source: what tells is a source
     * whose bytes at that very offset they are (its own chunk, written into the wrong file).
     */
    private String whose(byte[] probe, long at) {
        if (probe.length < 16) return "too few bytes there to tell where they come from";
        if (probe[0] == 0 && Arrays.mismatch(probe, new byte[probe.length]) < 0) return "the bytes there are zeros";
        for (SourceFile f : sources) {
            if (f.size() > at && !f.hole(at) && Math.floorMod(f.pattern().locate(probe) - at, Pattern.PERIOD) == 0) {
                return "the bytes there are those of " + f + " at the same offset (that file's copy wrote into this one)";
            }
        }
        if (oldPattern != null && oldPattern.locate(probe) >= 0) return "the bytes there are the replaced target's old ones";
        return "the bytes there are no source's at that offset";
    }

    /** A copy stopped short: the target must be as it was. */
    private void checkUntouched(SourceFile source, byte[] old, Throwable why) throws IOException {
        boolean exists = Files.exists(target);
        if (old == null ? !exists : exists && Arrays.equals(old, Files.readAllBytes(target))) return;
        String what = doing + " of " + source + " stopped (" + Tally.describe(why) + ") but "
                + (old == null ? "left a target of " + Files.size(target) + " bytes"
                : "changed the target it was to replace: " + (exists ? Files.size(target) + " bytes, " + old.length + " before" : "gone"));
        boolean wholeCopy = exists && Files.size(target) == source.size() && Files.mismatch(source.path(), target) < 0;
        tally.error(what + (why instanceof InterruptedIOException && wholeCopy
                ? " (the whole copy: its rename landed though the copy threw InterruptedIOException)" : ""));
    }

    private void checkNoTemporary() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> !p.equals(target)).toList()) {
                tally.error(doing + " left " + p.getFileName() + " behind");
                Files.deleteIfExists(p);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the interrupted copy's thread got. */
    private static final class Result {
        volatile long copied = -1;
        volatile Throwable failure;
    }
}
