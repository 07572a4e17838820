package io.uring4j.runtime;

import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Operations on paths through io_uring, the runtime's analogue of {@link java.nio.file.Files}:
 * rename, delete, directories and copy. Each runs on the next loop of the group it is given and
 * blocks its caller (cheap on a virtual thread) until the kernel answered; a deadline, where one
 * is taken, is a linked timeout in the kernel, and an interrupt cancels the request there. I/O on
 * an open file is {@link AsyncFile}'s.
 */
public final class AsyncFiles {
    private AsyncFiles() {
    }

    // ------------------------------------------------------------------ paths

    /**
     * renameat(2) through IORING_OP_RENAMEAT: moves {@code from} to {@code to}, replacing it.
     * Atomic, within one filesystem. Runs on the next loop of {@code group}.
     *
     * @param group the group whose next loop makes the request
     * @param from  the file or directory to move
     * @param to    its new path; a file there is replaced, and so is an empty directory when
     *              {@code from} is a directory
     * @throws java.nio.file.NoSuchFileException {@code from}, or the directory {@code to} goes
     *         into, does not exist
     * @throws java.nio.file.AccessDeniedException the permissions do not allow it
     * @throws java.nio.file.DirectoryNotEmptyException {@code to} is a directory that is not empty
     * @throws java.io.InterruptedIOException the thread was interrupted: the request is
     *         cancelled in the kernel (if it completed first, its outcome stands); the interrupt
     *         status is kept
     * @throws java.nio.channels.ClosedChannelException the loop is closed
     * @throws IllegalArgumentException a path holds a NUL or is longer than 4095 bytes
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the rename failed otherwise (EXDEV across filesystems, EISDIR, …); the
     *         message names the path and the errno
     */
    public static void rename(EventLoopGroup group, Path from, Path to) throws IOException {
        rename(group, from, to, null);
    }

    /**
     * As {@link #rename(EventLoopGroup, Path, Path)} under a linked timeout of {@code timeout}
     * (null: none); a rename that times out fails with
     * {@link java.nio.channels.InterruptedByTimeoutException}. Likewise the other path operations.
     *
     * @param group   the group whose next loop makes the request
     * @param from    the file or directory to move
     * @param to      its new path, as for {@link #rename(EventLoopGroup, Path, Path)}
     * @param timeout the request's deadline, positive; null: none
     * @throws IllegalArgumentException {@code timeout} is zero or negative, or as
     *         {@link #rename(EventLoopGroup, Path, Path)}
     * @throws IOException as {@link #rename(EventLoopGroup, Path, Path)}, or
     *         {@link java.nio.channels.InterruptedByTimeoutException}
     */
    public static void rename(EventLoopGroup group, Path from, Path to, Duration timeout) throws IOException {
        Errors.await(PathOps.rename(group.next(), from, to, AsyncFile.positive(timeout)));
    }

    /**
     * unlinkat(2) through IORING_OP_UNLINKAT: deletes a file. A symbolic link is deleted itself,
     * not what it points at; a file still open elsewhere lives on until its last close. Runs on
     * the next loop of {@code group}.
     *
     * @param group the group whose next loop makes the request
     * @param path  the file to delete (not a directory: see {@link #deleteDirectory(EventLoopGroup, Path)})
     * @throws java.nio.file.NoSuchFileException there is no such file
     * @throws java.nio.file.AccessDeniedException the permissions do not allow it
     * @throws java.io.InterruptedIOException the thread was interrupted: the request is
     *         cancelled in the kernel (if it completed first, its outcome stands); the interrupt
     *         status is kept
     * @throws java.nio.channels.ClosedChannelException the loop is closed
     * @throws IllegalArgumentException a path holds a NUL or is longer than 4095 bytes
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the unlink failed otherwise (EISDIR for a directory, …); the message
     *         names the path and the errno
     */
    public static void delete(EventLoopGroup group, Path path) throws IOException {
        delete(group, path, null);
    }

    /**
     * As {@link #delete(EventLoopGroup, Path)} under a linked timeout of {@code timeout} (null:
     * none), as for {@link #rename(EventLoopGroup, Path, Path, Duration)}.
     *
     * @param group   the group whose next loop makes the request
     * @param path    the file to delete
     * @param timeout the request's deadline, positive; null: none
     * @throws IllegalArgumentException {@code timeout} is zero or negative, or as
     *         {@link #delete(EventLoopGroup, Path)}
     * @throws IOException as {@link #delete(EventLoopGroup, Path)}, or
     *         {@link java.nio.channels.InterruptedByTimeoutException}
     */
    public static void delete(EventLoopGroup group, Path path, Duration timeout) throws IOException {
        Errors.await(PathOps.unlink(group.next(), path, false, AsyncFile.positive(timeout)));
    }

    /**
     * unlinkat(2) with AT_REMOVEDIR: deletes an empty directory. Runs on the next loop of
     * {@code group}.
     *
     * @param group the group whose next loop makes the request
     * @param path  the directory to delete
     * @throws java.nio.file.NoSuchFileException there is no such directory
     * @throws java.nio.file.DirectoryNotEmptyException the directory is not empty
     * @throws java.nio.file.NotDirectoryException {@code path} is not a directory
     * @throws java.nio.file.AccessDeniedException the permissions do not allow it
     * @throws java.io.InterruptedIOException the thread was interrupted: the request is
     *         cancelled in the kernel (if it completed first, its outcome stands); the interrupt
     *         status is kept
     * @throws java.nio.channels.ClosedChannelException the loop is closed
     * @throws IllegalArgumentException a path holds a NUL or is longer than 4095 bytes
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the removal failed otherwise; the message names the path and the errno
     */
    public static void deleteDirectory(EventLoopGroup group, Path path) throws IOException {
        deleteDirectory(group, path, null);
    }

    /**
     * As {@link #deleteDirectory(EventLoopGroup, Path)} under a linked timeout of {@code timeout}
     * (null: none), as for {@link #rename(EventLoopGroup, Path, Path, Duration)}.
     *
     * @param group   the group whose next loop makes the request
     * @param path    the directory to delete
     * @param timeout the request's deadline, positive; null: none
     * @throws IllegalArgumentException {@code timeout} is zero or negative, or as
     *         {@link #deleteDirectory(EventLoopGroup, Path)}
     * @throws IOException as {@link #deleteDirectory(EventLoopGroup, Path)}, or
     *         {@link java.nio.channels.InterruptedByTimeoutException}
     */
    public static void deleteDirectory(EventLoopGroup group, Path path, Duration timeout) throws IOException {
        Errors.await(PathOps.unlink(group.next(), path, true, AsyncFile.positive(timeout)));
    }

    /**
     * mkdirat(2) through IORING_OP_MKDIRAT, mode 0755 (less the umask): creates one directory,
     * not its parents. Runs on the next loop of {@code group}.
     *
     * @param group the group whose next loop makes the request
     * @param path  the directory to create
     * @throws java.nio.file.FileAlreadyExistsException something exists at {@code path}
     * @throws java.nio.file.NoSuchFileException the parent directory does not exist
     * @throws java.nio.file.AccessDeniedException the permissions do not allow it
     * @throws java.io.InterruptedIOException the thread was interrupted: the request is
     *         cancelled in the kernel (if it completed first, its outcome stands); the interrupt
     *         status is kept
     * @throws java.nio.channels.ClosedChannelException the loop is closed
     * @throws IllegalArgumentException a path holds a NUL or is longer than 4095 bytes
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the creation failed otherwise (ENOSPC, …); the message names the path
     *         and the errno
     */
    public static void createDirectory(EventLoopGroup group, Path path) throws IOException {
        createDirectory(group, path, null);
    }

    /**
     * As {@link #createDirectory(EventLoopGroup, Path)} under a linked timeout of {@code timeout}
     * (null: none), as for {@link #rename(EventLoopGroup, Path, Path, Duration)}.
     *
     * @param group   the group whose next loop makes the request
     * @param path    the directory to create
     * @param timeout the request's deadline, positive; null: none
     * @throws IllegalArgumentException {@code timeout} is zero or negative, or as
     *         {@link #createDirectory(EventLoopGroup, Path)}
     * @throws IOException as {@link #createDirectory(EventLoopGroup, Path)}, or
     *         {@link java.nio.channels.InterruptedByTimeoutException}
     */
    public static void createDirectory(EventLoopGroup group, Path path, Duration timeout) throws IOException {
        Errors.await(PathOps.mkdir(group.next(), path, 0755, AsyncFile.positive(timeout)));
    }

    // ------------------------------------------------------------------ copy

    /**
     * Copies the file {@code from} to {@code to} with the semantics of
     * {@link java.nio.file.Files#copy(Path, Path, CopyOption...)}, and returns the bytes copied
     * (the source's length, holes included).
     * <ul>
     * <li>If both name the same file (same device and inode, through hard or symbolic links too),
     *     nothing is done and 0 is returned; the source is never opened for writing.</li>
     * <li>An existing target is replaced only with {@link StandardCopyOption#REPLACE_EXISTING},
     *     else {@link java.nio.file.FileAlreadyExistsException}. A symbolic link is replaced
     *     itself, an empty directory is replaced, a non-empty one is not
     *     ({@link java.nio.file.DirectoryNotEmptyException}); an existing FIFO or device is
     *     written into, in order.</li>
     * <li>A regular target is written under a temporary name beside it
     *     ({@code .NAME.RANDOM.uring4j-part}, the source's permission bits) and renamed over
     *     {@code to} only once complete: {@code to} never holds a partial copy, even if the
     *     process is killed (which leaves the temporary file behind under its own name). A
     *     failed, interrupted or timed-out copy deletes it. No fsync is made.</li>
     * <li>The source is read until end of file, not for its statx size (FIFOs, /proc and /sys
     *     files, character devices: a copy of {@code /dev/zero} ends only at its deadline); the
     *     holes of a sparse source stay holes where the filesystem reports them (SEEK_DATA).</li>
     * </ul>
     * Data moves in 1 MiB chunks, 8 in flight; see
     * {@link #copy(EventLoopGroup, Path, Path, int, int, Duration, CopyOption...)}. Supported
     * option: {@code REPLACE_EXISTING}; others throw {@link UnsupportedOperationException}.
     *
     * @param group   the group whose next loop runs the copy
     * @param from    the file to copy (not a directory)
     * @param to      where the copy goes
     * @param options {@link StandardCopyOption#REPLACE_EXISTING}, or nothing
     * @return the bytes copied: the source's length, 0 when both name the same file
     * @throws java.nio.file.NoSuchFileException {@code from}, or the directory {@code to} goes
     *         into, does not exist
     * @throws java.nio.file.FileAlreadyExistsException {@code to} exists and
     *         {@code REPLACE_EXISTING} was not given
     * @throws java.nio.file.DirectoryNotEmptyException {@code to} is a directory that is not empty
     * @throws java.nio.file.FileSystemException {@code from} is a directory
     * @throws UnsupportedOperationException an option other than {@code REPLACE_EXISTING}
     * @throws IOException reading, writing or renaming failed; the message names the path and
     *         the errno
     * @throws java.io.InterruptedIOException the thread was interrupted: the requests in the
     *         kernel were cancelled and have completed, the interrupt status is kept
     * @throws IllegalStateException called on an event loop's own thread
     */
    public static long copy(EventLoopGroup group, Path from, Path to, CopyOption... options) throws IOException {
        return copy(group, from, to, null, options);
    }

    /**
     * As {@link #copy(EventLoopGroup, Path, Path, CopyOption...)}, bounded by {@code timeout} as
     * a whole (null: none): when it passes, what is in the kernel is cancelled, the temporary
     * file is deleted and {@link java.nio.channels.InterruptedByTimeoutException} is thrown.
     *
     * @param group   the group whose next loop runs the copy
     * @param from    the file to copy
     * @param to      where the copy goes
     * @param timeout the deadline of the whole copy, positive; null: none
     * @param options {@link StandardCopyOption#REPLACE_EXISTING}, or nothing
     * @return the bytes copied, as for {@link #copy(EventLoopGroup, Path, Path, CopyOption...)}
     * @throws IllegalArgumentException {@code timeout} is zero or negative
     * @throws IOException as {@link #copy(EventLoopGroup, Path, Path, CopyOption...)}, or
     *         {@link java.nio.channels.InterruptedByTimeoutException}
     */
    public static long copy(EventLoopGroup group, Path from, Path to, Duration timeout, CopyOption... options) throws IOException {
        return copy(group, from, to, FileCopy.DEFAULT_CHUNK, FileCopy.DEFAULT_DEPTH, timeout, options);
    }

    /**
     * As {@link #copy(EventLoopGroup, Path, Path, Duration, CopyOption...)}, moving
     * {@code chunkBytes} (4096 to 16 MiB) per request pair with {@code chunksInFlight} (1 to 256)
     * pairs in flight. Each chunk is a linked pair of splices through a pipe of its own (the
     * bytes are copied once, in the kernel, as with {@code cp}), or of a read and a write through
     * a pooled buffer where the kernel or the pipe limits do not allow that.
     *
     * @param group          the group whose next loop runs the copy
     * @param from           the file to copy
     * @param to             where the copy goes
     * @param chunkBytes     bytes per chunk, 4096 to 16 MiB
     * @param chunksInFlight chunks in the kernel at once, 1 to 256
     * @param timeout        the deadline of the whole copy, positive; null: none
     * @param options        {@link StandardCopyOption#REPLACE_EXISTING}, or nothing
     * @return the bytes copied, as for {@link #copy(EventLoopGroup, Path, Path, CopyOption...)}
     * @throws IllegalArgumentException {@code chunkBytes} or {@code chunksInFlight} is out of
     *         range, or {@code timeout} is zero or negative
     * @throws IOException as {@link #copy(EventLoopGroup, Path, Path, Duration, CopyOption...)}
     */
    public static long copy(EventLoopGroup group, Path from, Path to, int chunkBytes, int chunksInFlight, Duration timeout,
                            CopyOption... options) throws IOException {
        return FileCopy.copy(group, from, to, chunkBytes, chunksInFlight, timeout, options);
    }
}
