package io.uring4j.core;

/**
 * {@code IORING_REGISTER_*}: the opcodes of {@code io_uring_register(2)} in kernel numbering, as
 * {@link Opcode} is for SQEs. Package-private: users call {@link Registration}'s typed methods.
 *
 * <p>The order of the constants is ABI: the explicit {@link #code()} values are checked against
 * the ordinals when the class loads, so a reordering fails at once instead of registering the
 * wrong thing.
 */
enum RegisterOp {
    REGISTER_BUFFERS(0),
    UNREGISTER_BUFFERS(1),
    REGISTER_FILES(2),
    UNREGISTER_FILES(3),
    REGISTER_EVENTFD(4),
    UNREGISTER_EVENTFD(5),
    REGISTER_FILES_UPDATE(6),
    REGISTER_EVENTFD_ASYNC(7),
    REGISTER_PROBE(8),
    REGISTER_PERSONALITY(9),
    UNREGISTER_PERSONALITY(10),
    REGISTER_RESTRICTIONS(11),
    REGISTER_ENABLE_RINGS(12),
    REGISTER_FILES2(13),
    REGISTER_FILES_UPDATE2(14),
    REGISTER_BUFFERS2(15),
    REGISTER_BUFFERS_UPDATE(16),
    REGISTER_IOWQ_AFF(17),
    UNREGISTER_IOWQ_AFF(18),
    REGISTER_IOWQ_MAX_WORKERS(19),
    REGISTER_RING_FDS(20),
    UNREGISTER_RING_FDS(21),
    REGISTER_PBUF_RING(22),
    UNREGISTER_PBUF_RING(23),
    REGISTER_SYNC_CANCEL(24),
    REGISTER_FILE_ALLOC_RANGE(25),
    REGISTER_PBUF_STATUS(26),
    REGISTER_NAPI(27),
    UNREGISTER_NAPI(28),
    REGISTER_CLOCK(29),
    REGISTER_CLONE_BUFFERS(30),
    REGISTER_SEND_MSG_RING(31),
    REGISTER_ZCRX_IFQ(32),
    REGISTER_RESIZE_RINGS(33),
    REGISTER_MEM_REGION(34),
    REGISTER_QUERY(35),
    REGISTER_ZCRX_CTRL(36),
    REGISTER_BPF_FILTER(37);

    /** OR'ed into the opcode word: the fd argument is a registered ring index. */
    static final int USE_REGISTERED_RING = 1 << 31;

    static {
        for (RegisterOp op : values()) {
            if (op.code != op.ordinal()) {
                throw new ExceptionInInitializerError("RegisterOp " + op.name() + " declared with code "
                        + op.code + " but sits at position " + op.ordinal());
            }
        }
    }

    private final int code;
    private final String kernelName;

    RegisterOp(int code) {
        this.code = code;
        this.kernelName = "IORING_" + name();
    }

    /** The value passed as the opcode argument of {@code io_uring_register(2)}. */
    int code() {
        return code;
    }

    /** The C enumerator name, e.g. {@code IORING_REGISTER_BUFFERS}, for messages. */
    String kernelName() {
        return kernelName;
    }
}
