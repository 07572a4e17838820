package io.uring4j.runtime;

import io.uring4j.core.FsOps;
import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link AsyncFile#asSeekableByteChannel()}: the file's positional reads and writes at a position
 * this view keeps. One lock orders the calls, so the position moves by each call's count, as a
 * {@code FileChannel}'s does when threads share it.
 */
final class AsyncFileChannel implements SeekableByteChannel {
    private final AsyncFile file;
    /** Opened with O_APPEND: the kernel writes at the end whatever the offset, so the position follows the size. */
    private final boolean append;
    private final ReentrantLock lock = new ReentrantLock();
    private long position;

    AsyncFileChannel(AsyncFile file) throws IOException {
        this.file = file;
        this.append = (statusFlags(file) & FsOps.O_APPEND) != 0;
    }

    /** fcntl(F_GETFL) of the file's fd, on its loop (which owns the fd, so no close can race it). */
    private static int statusFlags(AsyncFile file) throws IOException {
        EventLoop loop = file.loop();
        int flags;
        if (loop.inEventLoop()) {
            if (!file.isOpen()) throw Errors.closed();
            flags = Posix.fcntl(file.fd(), Posix.F_GETFL, 0);
        } else {
            CompletableFuture<Integer> f = loop.submit(g -> {
                if (!file.isOpen()) g.completeExceptionally(Errors.closed());
                else g.complete(Posix.fcntl(file.fd(), Posix.F_GETFL, 0));
            });
            flags = Errors.await(f);
        }
        if (flags < 0) throw (IOException) Errors.of(flags, "fcntl", file.path(), false);
        return flags;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            int n = file.read(dst, position);
            if (n > 0) position += n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Writes all of {@code src} at the position (at the end, for APPEND) and moves the position past it. */
    @Override
    public int write(ByteBuffer src) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            int total = 0;
            while (src.hasRemaining()) {
                int n = file.write(src, position);
                if (n <= 0) throw new IOException("a write of " + src.remaining() + " bytes to " + file.path() + " wrote " + n);
                total += n;
                position += n;
            }
            if (append) position = file.size();
            return total;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long position() throws IOException {
        lock.lock();
        try {
            ensureOpen();
            return position;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        if (newPosition < 0) throw new IllegalArgumentException("a position is >= 0, given " + newPosition);
        lock.lock();
        try {
            ensureOpen();
            position = newPosition;
            return this;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return file.size();
    }

    /** Cuts the file to {@code size} if it is longer (a shorter or equal size changes nothing); the position goes no further than it. */
    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        if (size < 0) throw new IllegalArgumentException("a size is >= 0, given " + size);
        lock.lock();
        try {
            ensureOpen();
            if (size < file.size()) file.truncate(size);
            position = Math.min(position, size);
            return this;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    /** Closes the file. */
    @Override
    public void close() throws IOException {
        file.close();
    }

    private void ensureOpen() throws IOException {
        if (!file.isOpen()) throw Errors.closed();
    }

    @Override
    public String toString() {
        return "SeekableByteChannel of " + file;
    }
}
