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

    /** The failed call, as {@link #call()} returns it. */
    private final String call;
    /** The positive errno, as {@link #errno()} returns it. */
    private final int errno;

    /**
     * An exception for a failed call, its message built from the call, the errno's name and
     * description, and the detail.
     *
     * @param call   the system call or register opcode, e.g. {@code "io_uring_setup"}
     * @param result the kernel's result: a negative errno (a positive one is accepted too)
     * @param detail what uring4j asked for, with the values
     */
    public IoUringException(String call, int result, String detail) {
        super(call + " failed: " + Errno.describe(result) + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.call = call;
        this.errno = Math.abs(result);
    }

    /**
     * The system call that failed.
     *
     * @return e.g. {@code "io_uring_setup"} or {@code "io_uring_register(IORING_REGISTER_BUFFERS)"}
     */
    public String call() {
        return call;
    }

    /**
     * The errno the call failed with.
     *
     * @return the positive errno value
     */
    public int errno() {
        return errno;
    }

    /**
     * The errno as an enum constant.
     *
     * @return the constant, or null if Linux does not define the number
     */
    public Errno errnoConstant() {
        return Errno.of(errno);
    }
}
