package io.uring4j.core;

/**
 * The {@code io_uring_register(2)} calls of one ring: a port of liburing's {@code register.c}.
 * Obtained from {@link IoUring#registration()}; as the ring, not thread-safe.
 */
public final class Registration {
    private final IoUring ring;

    Registration(IoUring ring) {
        this.ring = ring;
    }
}
