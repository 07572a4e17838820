package io.uring4j.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The fixed-buffer half of {@link Registration}: buffer tables (REGISTER_BUFFERS, BUFFERS2,
 * BUFFERS_UPDATE, UNREGISTER_BUFFERS) and cloning them between rings (REGISTER_CLONE_BUFFERS).
 * Port of the buffer functions of liburing's {@code register.c}. Every temporary struct lives in
 * a confined arena for the duration of one call: registration is a cold path.
 */
final class BufferRegistration {
    private BufferRegistration() {}

    /** IORING_MAX_REG_BUFFERS: the kernel's limit on a buffer table. */
    static final int MAX_BUFFERS = 1 << 14;
    /** The kernel refuses a single registered buffer above 1 GiB (io_buffer_validate). */
    static final long MAX_BUFFER_BYTES = 1L << 30;
    private static final int CLONE_DST_REPLACE = 1 << 1;

    /** Port of {@code io_uring_register_buffers}. */
    static void register(IoUring ring, List<MemorySegment> buffers) {
        Registration.ensureOpen(ring);
        int n = count(buffers.size(), "registerBuffers");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iovecs = iovecs(arena, buffers, "registerBuffers");
            registerOrExplain(ring, RegisterOp.REGISTER_BUFFERS, iovecs, n, buffers, "");
        }
    }

    /** Port of {@code io_uring_register_buffers_sparse}. */
    static void registerSparse(IoUring ring, int nr) {
        Registration.ensureOpen(ring);
        count(nr, "registerBuffersSparse");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reg = arena.allocate(Layouts.RSRC_REGISTER);
            reg.set(JAVA_INT, Layouts.RSRC_REGISTER_NR, nr);
            reg.set(JAVA_INT, Layouts.RSRC_REGISTER_FLAGS, Layouts.RSRC_REGISTER_SPARSE);
            ring.registerOrThrow(RegisterOp.REGISTER_BUFFERS2, reg, (int) Layouts.RSRC_REGISTER.byteSize(),
                    "sparse table of " + nr + " buffers");
        }
    }

    /** Port of {@code io_uring_register_buffers_update_tag} without tags: returns how many slots changed. */
    static int update(IoUring ring, int offset, List<MemorySegment> buffers) {
        Registration.ensureOpen(ring);
        if (offset < 0) {
            throw new IllegalArgumentException("updateBuffers: offset must be >= 0, given " + offset);
        }
        int n = count(buffers.size(), "updateBuffers");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iovecs = iovecs(arena, buffers, "updateBuffers");
            MemorySegment up = arena.allocate(Layouts.RSRC_UPDATE2);
            up.set(JAVA_INT, Layouts.RSRC_UPDATE2_OFFSET, offset);
            up.set(JAVA_LONG, Layouts.RSRC_UPDATE2_DATA, iovecs.address());
            up.set(JAVA_INT, Layouts.RSRC_UPDATE2_NR, n);
            return registerOrExplain(ring, RegisterOp.REGISTER_BUFFERS_UPDATE, up, (int) Layouts.RSRC_UPDATE2.byteSize(),
                    buffers, "slots " + offset + ".." + (offset + n - 1) + " with ");
        }
    }

    /** Port of {@code io_uring_unregister_buffers}. */
    static void unregister(IoUring ring) {
        Registration.ensureOpen(ring);
        ring.registerOrThrow(RegisterOp.UNREGISTER_BUFFERS, MemorySegment.NULL, 0,
                "unregister buffers (ENXIO: none registered)");
    }

    /**
     * Port of {@code __io_uring_clone_buffers_offset} without IORING_REGISTER_SRC_REGISTERED:
     * the source is named by its plain fd, which works from any thread (the registered index
     * is only valid in the thread that registered it).
     */
    static void cloneFrom(IoUring dst, IoUring src, int srcOffset, int dstOffset, int nr, boolean replace) {
        Registration.ensureOpen(dst);
        if (src.isClosed()) {
            throw new IllegalStateException("cloneBuffersFrom: the source io_uring is closed");
        }
        int srcFd = src.fd();
        if (srcFd < 0) {
            throw new IllegalArgumentException("cloneBuffersFrom: the source ring is REGISTERED_FD_ONLY and has no plain fd to name it by");
        }
        if (srcOffset < 0 || dstOffset < 0 || nr < 0) {
            throw new IllegalArgumentException("cloneBuffersFrom: offsets and count must be >= 0, given srcOffset="
                    + srcOffset + ", dstOffset=" + dstOffset + ", nr=" + nr);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment clone = arena.allocate(Layouts.CLONE_BUFFERS);
            clone.set(JAVA_INT, Layouts.CLONE_BUFFERS_SRC_FD, srcFd);
            clone.set(JAVA_INT, Layouts.CLONE_BUFFERS_FLAGS, replace ? CLONE_DST_REPLACE : 0);
            clone.set(JAVA_INT, Layouts.CLONE_BUFFERS_SRC_OFF, srcOffset);
            clone.set(JAVA_INT, Layouts.CLONE_BUFFERS_DST_OFF, dstOffset);
            clone.set(JAVA_INT, Layouts.CLONE_BUFFERS_NR, nr);
            dst.registerOrThrow(RegisterOp.REGISTER_CLONE_BUFFERS, clone, 1, "clone " + (nr == 0 ? "all" : nr)
                    + " buffers from ring fd " + srcFd + " (srcOffset " + srcOffset + ", dstOffset " + dstOffset
                    + (replace ? ", replace" : "") + "; EBUSY: this ring has buffers, ENXIO: the source has none)");
        }
    }

    private static int count(int n, String what) {
        if (n < 1 || n > MAX_BUFFERS) {
            throw new IllegalArgumentException(what + ": 1.." + MAX_BUFFERS + " buffers (IORING_MAX_REG_BUFFERS), given " + n);
        }
        return n;
    }

    /**
     * The {@code struct iovec} array the kernel reads. {@link MemorySegment#NULL} stands for an
     * empty slot (base 0, length 0); any other segment must be native, writable and 1 B..1 GiB.
     */
    private static MemorySegment iovecs(Arena arena, List<MemorySegment> buffers, String what) {
        MemorySegment iovecs = arena.allocate(Layouts.IOVEC, buffers.size());
        long stride = Layouts.IOVEC.byteSize();
        for (int i = 0; i < buffers.size(); i++) {
            MemorySegment b = buffers.get(i);
            long addr = Sqe.address(b, what + " buffer " + i);
            if (addr != 0) {
                if (b.byteSize() < 1 || b.byteSize() > MAX_BUFFER_BYTES) {
                    throw new IllegalArgumentException(what + " buffer " + i + ": 1.." + MAX_BUFFER_BYTES
                            + " bytes per buffer, given " + b.byteSize());
                }
                if (b.isReadOnly()) {
                    throw new IllegalArgumentException(what + " buffer " + i
                            + ": registered buffers are written by READ_FIXED, given a read-only segment");
                }
            } else if (b.byteSize() != 0) {
                throw new IllegalArgumentException(what + " buffer " + i + ": a segment at address 0 must be empty (an empty slot), given "
                        + b.byteSize() + " bytes");
            }
            iovecs.set(JAVA_LONG, i * stride + Layouts.IOVEC_BASE, addr);
            iovecs.set(JAVA_LONG, i * stride + Layouts.IOVEC_LEN, b.byteSize());
        }
        return iovecs;
    }

    /** Registers, or throws naming the buffers and the cause that matches the errno (see {@link MemoryHints}). */
    private static int registerOrExplain(IoUring ring, RegisterOp op, MemorySegment arg, int nrArgs, List<MemorySegment> buffers,
                                         String what) {
        int r = ring.register(op, arg, nrArgs);
        if (r >= 0) {
            return r;
        }
        long total = 0;
        for (MemorySegment b : buffers) total += b.byteSize();
        String hint = MemoryHints.bufferRegistration(r, total);
        throw new IoUringException("io_uring_register(" + op.kernelName() + ")", r,
                what + buffers.size() + " buffers, " + total + " bytes in all" + (hint.isEmpty() ? "" : " (" + hint + ")"));
    }
}
