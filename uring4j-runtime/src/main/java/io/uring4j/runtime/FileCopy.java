package io.uring4j.runtime;

import io.uring4j.core.FsOps;
import io.uring4j.core.Opcode;
import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link AsyncFile#copy}: the checks and the publication around the data movement of
 * {@link CopyLanes}, with the semantics of {@link java.nio.file.Files#copy(Path, Path, CopyOption...)}:
 * <ul>
 * <li>the same file (same device and inode, through hard or symbolic links) is left alone: the
 *     copy does nothing and returns 0; the source is never opened for writing, so never truncated;</li>
 * <li>an existing target is replaced only with {@link StandardCopyOption#REPLACE_EXISTING}, else
 *     {@link FileAlreadyExistsException}; a symbolic link is replaced itself (not the file it
 *     points at); an empty directory is replaced, a non-empty one is not
 *     ({@code DirectoryNotEmptyException}); an existing FIFO or device is written into (in
 *     order, never replaced), as {@code cp} does;</li>
 * <li><b>never a target that looks complete when it is not</b>: into a regular target the data
 *     goes to a new temporary file beside it ({@code .NAME.RANDOM.uring4j-part}, created with
 *     O_EXCL and the source's permission bits), which is sized and then renamed over the target
 *     (RENAME_NOREPLACE without REPLACE_EXISTING) only after every chunk completed. Until then
 *     the target is untouched (absent, or its old content); a failed, interrupted or timed-out
 *     copy deletes the temporary file, and a process killed midway leaves it behind under its
 *     telltale name, never under the target's. The rename is atomic, not durable: the copy does
 *     not fsync (nor does {@code cp});</li>
 * <li>a source is read until end of file, not for its statx size (FIFOs, /proc and /sys files,
 *     character devices), and its holes stay holes where the filesystem reports them.</li>
 * </ul>
 * A deadline bounds the whole copy; an interrupt or the deadline cancels what is in the kernel,
 * waits for those completions (pipes and buffers live until then), removes the temporary file
 * and throws {@link InterruptedIOException} (interrupt status kept) or
 * {@link InterruptedByTimeoutException}.
 */
final class FileCopy {
    private FileCopy() {}

    static final int DEFAULT_CHUNK = 1 << 20;
    static final int DEFAULT_DEPTH = 8;
    /** How long an aborted copy waits for its cancelled requests before it reports them stuck. */
    private static final Duration ABORT_WAIT = Duration.ofSeconds(30);

    /** What a copy did: the bytes of the source (its length), and whether its lanes spliced through pipes. */
    record Copied(long bytes, boolean spliced) {
    }

    static long copy(EventLoopGroup group, Path from, Path to, int chunk, int depth, Duration timeout, CopyOption... options)
            throws IOException {
        return run(group, from, to, chunk, depth, true, timeout, options).bytes();
    }

    /** As {@link #copy}; {@code splice} false forces read/write lanes (tests). */
    static Copied run(EventLoopGroup group, Path from, Path to, int chunk, int depth, boolean splice, Duration timeout,
                      CopyOption... options) throws IOException {
        if (chunk < 4096 || chunk > BufferPool.maxBytes()) {
            throw new IllegalArgumentException("chunk must be 4096.." + BufferPool.maxBytes() + " bytes, given " + chunk);
        }
        if (depth < 1 || depth > 256) {
            throw new IllegalArgumentException("depth must be 1..256 chunks in flight, given " + depth);
        }
        boolean replace = false;
        for (CopyOption o : options) {
            if (o == StandardCopyOption.REPLACE_EXISTING) replace = true;
            else throw new UnsupportedOperationException("copy option not supported: " + o + " (supported: REPLACE_EXISTING)");
        }
        if (EventLoop.current() != null) {
            throw new IllegalStateException("a copy on " + EventLoop.current() + "'s own thread would wait for the loop itself");
        }
        Deadline deadline = new Deadline(AsyncFile.positive(timeout));
        EventLoop loop = group.next();
        // The target's statx goes with the source's open: each is a round trip to an io-wq worker.
        Duration left = deadline.left();
        CompletableFuture<AsyncFile> opening = FileOpen.open(loop, from, left, FsOps.O_RDONLY | FsOps.O_CLOEXEC, 0, false);
        CompletableFuture<FileStat> targetStat = FileStat.of(loop, to, false, left);
        AsyncFile in = Errors.await(opening);
        try {
            FileStat source = Errors.await(FileStat.of(in, deadline.left()));
            if (source.isDirectory()) throw new FileSystemException(from.toString(), null, "is a directory; copy copies files");
            FileStat target = orNull(targetStat);
            if (target != null) {
                FileStat reached = target.isSymbolicLink() ? statOrNull(loop, to, true, deadline) : target;
                if (reached != null && reached.sameFile(source)) return new Copied(0, false); // nothing to do, as Files.copy
                if (!replace) throw new FileAlreadyExistsException(to.toString());
                if (target.isDirectory()) {
                    // Files.copy replaces an empty directory; a full one fails with DirectoryNotEmptyException.
                    Errors.await(PathOps.unlink(loop, to, true, deadline.left()));
                    target = null;
                }
            }
            if (target != null && !target.isRegularFile() && !target.isSymbolicLink()) {
                return intoStream(loop, in, source, to, chunk, depth, splice, deadline);
            }
            return viaTemporary(loop, in, source, to, replace, chunk, depth, splice, deadline);
        } finally {
            in.close();
        }
    }

    /** Copies into a new temporary file beside {@code to}, then renames it over {@code to}. */
    private static Copied viaTemporary(EventLoop loop, AsyncFile in, FileStat source, Path to, boolean replace,
                                       int chunk, int depth, boolean splice, Deadline deadline) throws IOException {
        Path absolute = to.toAbsolutePath();
        if (absolute.getParent() == null) throw new FileSystemException(to.toString(), null, "cannot be replaced by a file");
        AsyncFile out = createTemporary(loop, absolute, source.permissions() & 0777, deadline);
        Path temporary = out.path();
        boolean published = false;
        try {
            CopyLanes.Result r = move(loop, in, out, source, true, chunk, depth, splice, deadline);
            if (r.writtenEnd() != r.length()) { // a hole at the end, or a source that shrank: the length comes last
                out.timeout(deadline.left());
                if (loop.probe().supports(Opcode.FTRUNCATE)) {
                    out.truncate(r.length());
                } else { // before 6.9: the plain syscall, on the loop (callers may be virtual threads)
                    long length = r.length();
                    int rc = Errors.await(loop.<Integer>submit(f -> f.complete(Posix.ftruncate(out.fd(), length))));
                    if (rc < 0) throw new IOException("ftruncate " + temporary + " failed: " + io.uring4j.core.Errno.describe(rc));
                }
            }
            out.close();
            publish(loop, temporary, to, replace, deadline);
            published = true;
            return new Copied(r.length(), r.spliced());
        } finally {
            if (!published) discard(loop, out, temporary);
        }
    }

    /** Copies in order into an existing FIFO or device, which is written into, never replaced. */
    private static Copied intoStream(EventLoop loop, AsyncFile in, FileStat source, Path to, int chunk, int depth,
                                     boolean splice, Deadline deadline) throws IOException {
        // O_CREAT (a no-op on an existing FIFO or device) makes io_uring open in a worker, where
        // the open of a FIFO waits for its reader; its first, non-blocking try would fail with
        // ENXIO instead. Without O_TRUNC: should the path have become a regular file meanwhile,
        // nothing in it is cut.
        int flags = FsOps.O_WRONLY | FsOps.O_CREAT | FsOps.O_CLOEXEC;
        try (AsyncFile out = Errors.await(FileOpen.open(loop, to, deadline.left(), flags, source.permissions() & 0777, false))) {
            return new Copied(move(loop, in, out, source, false, chunk, depth, splice, deadline).length(), false);
        }
    }

    /** Runs the lanes and waits for them, under the deadline; an interrupt or the deadline aborts them. */
    static CopyLanes.Result move(EventLoop loop, AsyncFile in, AsyncFile out, FileStat source, boolean seekableTarget,
                                         int chunk, int depth, boolean splice, Deadline deadline) throws IOException {
        boolean seekableSource = source.isRegularFile();
        long size = seekableSource ? source.size() : 0;
        CopyLanes.Plan plan = new CopyLanes.Plan(size, seekableSource && seekableTarget && size > 0, seekableSource, seekableTarget);
        CopyLanes lanes = new CopyLanes(in, out, plan, chunk, depth, splice && loop.probe().supports(Opcode.SPLICE));
        // What is left is taken before the lanes start: a deadline that passes here throws with
        // nothing started. Taken after, its throw skipped the abort and the lanes went on writing
        // into the temporary file's fd number after the caller closed it (the soak's finding).
        Duration left = deadline.left();
        try {
            loop.runOnLoop(lanes::start);
        } catch (IllegalStateException closing) {
            throw Errors.closed();
        }
        try {
            return left == null ? lanes.done.get() : lanes.done.get(left.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            abort(loop, lanes);
            Thread.currentThread().interrupt();
            InterruptedIOException io = new InterruptedIOException("copy from " + in.path() + " interrupted");
            io.initCause(e);
            throw io;
        } catch (TimeoutException e) {
            abort(loop, lanes);
            throw deadline.passed();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IOException(e.getCause());
        }
    }

    /** Stops the lanes, cancels their requests and waits (uninterruptibly, bounded) until none is in the kernel. */
    private static void abort(EventLoop loop, CopyLanes lanes) throws IOException {
        try {
            loop.runOnLoop(lanes::abort);
        } catch (IllegalStateException closing) {
            // The loop is closing: its close cancels what is in flight, and the lanes end with it.
        }
        boolean interrupted = Thread.interrupted();
        try {
            long end = System.nanoTime() + ABORT_WAIT.toNanos();
            while (true) {
                try {
                    lanes.done.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException again) {
                    interrupted = true;
                } catch (ExecutionException ended) {
                    return;
                } catch (TimeoutException stuck) {
                    throw new IOException("the copy's cancelled requests did not complete within " + ABORT_WAIT.toSeconds() + " s");
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Creates the temporary file beside {@code target}: O_EXCL, under a fresh random name. */
    private static AsyncFile createTemporary(EventLoop loop, Path target, int mode, Deadline deadline) throws IOException {
        String name = shortened(target.getFileName().toString());
        for (int attempt = 0; ; attempt++) {
            Path temporary = target.resolveSibling("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + ".uring4j-part");
            try {
                return Errors.await(FileOpen.open(loop, temporary, deadline.left(),
                        FsOps.O_WRONLY | FsOps.O_CREAT | FsOps.O_EXCL | FsOps.O_CLOEXEC, mode, false));
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 16) throw taken;
            } catch (NoSuchFileException e) { // name the target, not the temporary file
                boolean noDirectory = statOrNull(loop, target.getParent(), true, deadline) == null;
                throw new NoSuchFileException(target.toString(), null, noDirectory
                        ? "its directory " + target.getParent() + " does not exist"
                        : "cannot create a file in " + target.getParent()); // /proc, say
            } catch (AccessDeniedException denied) {
                throw new AccessDeniedException(target.toString(), null, "cannot create a file in " + target.getParent());
            } catch (IOException | RuntimeException gaveUp) {
                // Interrupted or timed out: the open may have created the file all the same (its fd
                // is then closed by the open's completion). The name is fresh and O_EXCL: if it is
                // there, it is this copy's.
                unlinkQuietly(loop, temporary);
                throw gaveUp;
            }
        }
    }

    /** {@code name}, cut (at a character boundary) so the temporary name stays within NAME_MAX (255 bytes). */
    private static String shortened(String name) {
        while (name.getBytes(StandardCharsets.UTF_8).length > 200) {
            name = name.substring(0, name.offsetByCodePoints(0, name.codePointCount(0, name.length()) - 1));
        }
        return name;
    }

    /** Renames the complete temporary file to {@code to}: atomically, replacing only if asked. */
    private static void publish(EventLoop loop, Path temporary, Path to, boolean replace, Deadline deadline) throws IOException {
        // An interrupt before the rename still fails the copy with the target untouched; once the
        // rename is in the kernel it cannot be undone, so its outcome is the copy's (the
        // interrupt status kept): a copy that threw must not have replaced the target.
        if (Thread.currentThread().isInterrupted()) throw new InterruptedIOException("copy to " + to + " interrupted");
        if (replace) {
            Errors.awaitUninterruptibly(PathOps.rename(loop, temporary, to, 0, deadline.left()));
            return;
        }
        try {
            Errors.awaitUninterruptibly(PathOps.rename(loop, temporary, to, FsOps.RENAME_NOREPLACE, deadline.left()));
        } catch (FileAlreadyExistsException appeared) { // created by someone else during the copy
            throw new FileAlreadyExistsException(to.toString(), null, "created while the copy ran; not replaced");
        } catch (IOException e) {
            if (e.getMessage() == null || !e.getMessage().contains("EINVAL")) throw e;
            // A filesystem without RENAME_NOREPLACE: check, then rename (a narrow race, as Files.copy has).
            if (statOrNull(loop, to, false, deadline) != null) throw new FileAlreadyExistsException(to.toString());
            if (Thread.currentThread().isInterrupted()) throw new InterruptedIOException("copy to " + to + " interrupted");
            Errors.awaitUninterruptibly(PathOps.rename(loop, temporary, to, 0, deadline.left()));
        }
    }

    /** After a failure: closes and deletes the temporary file, even if the thread was interrupted. */
    private static void discard(EventLoop loop, AsyncFile out, Path temporary) {
        try {
            out.close(); // not cut short by an interrupt
        } catch (IOException | RuntimeException ignored) {
            // the copy's own failure is what the caller hears
        }
        unlinkQuietly(loop, temporary);
    }

    /** Deletes {@code path} if it is there, even if the thread was interrupted; best effort. */
    private static void unlinkQuietly(EventLoop loop, Path path) {
        boolean interrupted = Thread.interrupted(); // a blocking call of an interrupted thread would give up at once
        try {
            Errors.await(PathOps.unlink(loop, path, false, ABORT_WAIT));
        } catch (IOException | RuntimeException ignored) {
            // absent (never created), or the loop is closing: its name says what it is
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** The statx of {@code path}, or null if there is nothing there. */
    private static FileStat statOrNull(EventLoop loop, Path path, boolean followLinks, Deadline deadline) throws IOException {
        return orNull(FileStat.of(loop, path, followLinks, deadline.left()));
    }

    private static FileStat orNull(CompletableFuture<FileStat> stat) throws IOException {
        try {
            return Errors.await(stat);
        } catch (NoSuchFileException absent) {
            return null;
        }
    }

    /** The end of a copy's deadline; each step gets what is left of it as its linked timeout. */
    static final class Deadline {
        private final Duration timeout;
        private final long end;

        Deadline(Duration timeout) {
            this.timeout = timeout;
            long nanos = timeout == null ? Long.MAX_VALUE : saturatedNanos(timeout);
            long now = System.nanoTime();
            this.end = nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
        }

        private static long saturatedNanos(Duration d) {
            try {
                return d.toNanos();
            } catch (ArithmeticException huge) {
                return Long.MAX_VALUE;
            }
        }

        /** What is left, or null without a deadline; throws once it has passed. */
        Duration left() throws InterruptedByTimeoutException {
            if (timeout == null || end == Long.MAX_VALUE) return null;
            long left = end - System.nanoTime();
            if (left <= 0) throw passed();
            return Duration.ofNanos(left);
        }

        InterruptedByTimeoutException passed() {
            InterruptedByTimeoutException e = new InterruptedByTimeoutException();
            e.initCause(new IOException("copy did not complete within " + timeout));
            return e;
        }
    }
}
