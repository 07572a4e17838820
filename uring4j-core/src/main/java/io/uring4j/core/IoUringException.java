package io.uring4j.core;

import java.io.Serial;

/**
 * A system call of uring4j failed: names the call, the errno by name and meaning, and what
 * uring4j was doing. The one exception type of core for kernel errors; bad arguments caught
 * before the kernel sees them are {@link IllegalArgumentException}s instead, and use of a closed
 * ring is an {@link IllegalStateException}.
 */
public final class IoUringException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call   the system call or register opcode, e.g. {@code "io_uring_setup"}
     * @param result the kernel's result: a negative errno (a positive one is accepted too)
     * @param detail what uring4j asked for, with the values
     */
    public IoUringException(String call, int result, String detail) {
        super(call + " failed: " + Errno.describe(result) + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.call = call;
        this.errno = Math.abs(result);
    }

    /** The system call that failed. */
    public String call() {
        return call;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /** The errno as an enum constant, or null if Linux does not define it. */
    public Errno errnoConstant() {
        return Errno.of(errno);
    }
}
