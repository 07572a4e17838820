/**
 * Not API: the plain system calls beneath uring4j, as downcalls into libc that report failure
 * as a negative errno. {@link io.uring4j.core.internal.Native} makes the three io_uring calls and
 * the memory calls (mmap, munmap, madvise) the core needs; {@link io.uring4j.core.internal.Posix}
 * the ordinary POSIX calls (files, pipes, sockets, eventfd, epoll, rlimits, processes) that the
 * runtime uses for wakeups and fallbacks and the tests use as ground truth.
 *
 * <p>The package is exported only to {@code io.uring4j.runtime}. Nothing here is kept compatible
 * between versions; code outside uring4j uses {@link io.uring4j.core} instead.
 */
package io.uring4j.core.internal;
