package io.uring4j.core;

import io.uring4j.core.internal.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A ring's own {@code io_uring_register(2)} calls, the ring half of liburing's
 * {@code register.c}: the raw call (through the registered ring index when the kernel allows it)
 * that {@link Registration} and the other registration classes build on, and the registration of
 * the ring fd itself ({@code io_uring_register_ring_fd}), which switches every later enter to
 * the index. The ring's open/closed check is the caller's ({@link IoUring}).
 */
final class RingRegister {
    /** The ring fd, or -1 for a REGISTERED_FD_ONLY ring. */
    private final int ringFd;
    private final boolean regRegRing;
    private final RingEnter enter;
    private boolean ringFdRegistered;

    RingRegister(int ringFd, boolean registeredOnly, int features, RingEnter enter) {
        this.ringFd = ringFd;
        this.regRegRing = (features & Feature.REG_REG_RING.mask()) != 0;
        this.enter = enter;
        this.ringFdRegistered = registeredOnly;
    }

    boolean isRingFdRegistered() {
        return ringFdRegistered;
    }

    /**
     * io_uring_register(2) on this ring, through the registered index when the ring fd is
     * registered and the kernel has {@link Feature#REG_REG_RING}. Returns the kernel's result
     * or -errno. Raw: {@code arg} must be the struct the opcode expects.
     */
    int register(RegisterOp op, MemorySegment arg, int nrArgs) {
        if (ringFdRegistered && (ringFd == -1 || regRegRing)) {
            return Native.ioUringRegister(enter.fd(), op.code() | RegisterOp.USE_REGISTERED_RING, arg, nrArgs);
        }
        return Native.ioUringRegister(ringFd, op.code(), arg, nrArgs);
    }

    /** Like {@link #register} but throws an {@link IoUringException} naming the opcode on failure. */
    int registerOrThrow(RegisterOp op, MemorySegment arg, int nrArgs, String what) {
        int r = register(op, arg, nrArgs);
        if (r < 0) {
            throw new IoUringException("io_uring_register(" + op.kernelName() + ")", r, what);
        }
        return r;
    }

    /** Port of {@code io_uring_register_ring_fd}: the index the kernel picked, which every later enter uses. */
    int registerRingFd() {
        if (ringFdRegistered) {
            throw new IllegalStateException("the ring fd is already registered (index " + enter.fd() + ")");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment up = a.allocate(Layouts.RSRC_UPDATE);
            up.set(JAVA_INT, Layouts.RSRC_UPDATE_OFFSET, -1); // offset -1: let the kernel pick a free slot
            up.set(JAVA_LONG, Layouts.RSRC_UPDATE_DATA, ringFd);
            registerOrThrow(RegisterOp.REGISTER_RING_FDS, up, 1, "register ring fd " + ringFd);
            int index = up.get(JAVA_INT, Layouts.RSRC_UPDATE_OFFSET);
            enter.useRegisteredIndex(index);
            ringFdRegistered = true;
            return index;
        }
    }

    /** Port of {@code io_uring_unregister_ring_fd}: later enters use the plain fd again. */
    void unregisterRingFd() {
        if (!ringFdRegistered || ringFd == -1) {
            throw new IllegalStateException(ringFd == -1 ? "a REGISTERED_FD_ONLY ring has only its registered fd"
                    : "the ring fd is not registered");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment up = a.allocate(Layouts.RSRC_UPDATE);
            up.set(JAVA_INT, Layouts.RSRC_UPDATE_OFFSET, enter.fd());
            registerOrThrow(RegisterOp.UNREGISTER_RING_FDS, up, 1, "unregister ring fd index " + enter.fd());
            enter.usePlainFd(ringFd);
            ringFdRegistered = false;
        }
    }

    /**
     * The unregistration {@code io_uring_queue_exit} does: the registered index goes (through
     * itself for a REGISTERED_FD_ONLY ring, whose index is its only name). Errors are ignored,
     * as the ring is going away.
     */
    void unregisterOnClose() {
        if (!ringFdRegistered) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment up = a.allocate(Layouts.RSRC_UPDATE);
            up.set(JAVA_INT, Layouts.RSRC_UPDATE_OFFSET, enter.fd());
            Native.ioUringRegister(ringFd == -1 ? enter.fd() : ringFd,
                    RegisterOp.UNREGISTER_RING_FDS.code() | (ringFd == -1 ? RegisterOp.USE_REGISTERED_RING : 0), up, 1);
        }
    }
}
