package io.uring4j.core;

/**
 * IORING_REGISTER_* opcodes of the newest UAPI header (0..37), with their names for messages.
 * Package-private: users call {@link Registration}'s typed methods.
 */
final class RegisterOp {
    private RegisterOp() {}

    static final int REGISTER_BUFFERS = 0;
    static final int UNREGISTER_BUFFERS = 1;
    static final int REGISTER_FILES = 2;
    static final int UNREGISTER_FILES = 3;
    static final int REGISTER_EVENTFD = 4;
    static final int UNREGISTER_EVENTFD = 5;
    static final int REGISTER_FILES_UPDATE = 6;
    static final int REGISTER_EVENTFD_ASYNC = 7;
    static final int REGISTER_PROBE = 8;
    static final int REGISTER_PERSONALITY = 9;
    static final int UNREGISTER_PERSONALITY = 10;
    static final int REGISTER_RESTRICTIONS = 11;
    static final int REGISTER_ENABLE_RINGS = 12;
    static final int REGISTER_FILES2 = 13;
    static final int REGISTER_FILES_UPDATE2 = 14;
    static final int REGISTER_BUFFERS2 = 15;
    static final int REGISTER_BUFFERS_UPDATE = 16;
    static final int REGISTER_IOWQ_AFF = 17;
    static final int UNREGISTER_IOWQ_AFF = 18;
    static final int REGISTER_IOWQ_MAX_WORKERS = 19;
    static final int REGISTER_RING_FDS = 20;
    static final int UNREGISTER_RING_FDS = 21;
    static final int REGISTER_PBUF_RING = 22;
    static final int UNREGISTER_PBUF_RING = 23;
    static final int REGISTER_SYNC_CANCEL = 24;
    static final int REGISTER_FILE_ALLOC_RANGE = 25;
    static final int REGISTER_PBUF_STATUS = 26;
    static final int REGISTER_NAPI = 27;
    static final int UNREGISTER_NAPI = 28;
    static final int REGISTER_CLOCK = 29;
    static final int REGISTER_CLONE_BUFFERS = 30;
    static final int REGISTER_SEND_MSG_RING = 31;
    static final int REGISTER_ZCRX_IFQ = 32;
    static final int REGISTER_RESIZE_RINGS = 33;
    static final int REGISTER_MEM_REGION = 34;
    static final int REGISTER_QUERY = 35;
    static final int REGISTER_ZCRX_CTRL = 36;
    static final int REGISTER_BPF_FILTER = 37;

    /** OR'ed into the opcode: the fd argument is a registered ring index. */
    static final int USE_REGISTERED_RING = 1 << 31;

    private static final String[] NAMES = {
            "REGISTER_BUFFERS", "UNREGISTER_BUFFERS", "REGISTER_FILES", "UNREGISTER_FILES",
            "REGISTER_EVENTFD", "UNREGISTER_EVENTFD", "REGISTER_FILES_UPDATE", "REGISTER_EVENTFD_ASYNC",
            "REGISTER_PROBE", "REGISTER_PERSONALITY", "UNREGISTER_PERSONALITY", "REGISTER_RESTRICTIONS",
            "REGISTER_ENABLE_RINGS", "REGISTER_FILES2", "REGISTER_FILES_UPDATE2", "REGISTER_BUFFERS2",
            "REGISTER_BUFFERS_UPDATE", "REGISTER_IOWQ_AFF", "UNREGISTER_IOWQ_AFF", "REGISTER_IOWQ_MAX_WORKERS",
            "REGISTER_RING_FDS", "UNREGISTER_RING_FDS", "REGISTER_PBUF_RING", "UNREGISTER_PBUF_RING",
            "REGISTER_SYNC_CANCEL", "REGISTER_FILE_ALLOC_RANGE", "REGISTER_PBUF_STATUS", "REGISTER_NAPI",
            "UNREGISTER_NAPI", "REGISTER_CLOCK", "REGISTER_CLONE_BUFFERS", "REGISTER_SEND_MSG_RING",
            "REGISTER_ZCRX_IFQ", "REGISTER_RESIZE_RINGS", "REGISTER_MEM_REGION", "REGISTER_QUERY",
            "REGISTER_ZCRX_CTRL", "REGISTER_BPF_FILTER",
    };

    static String name(int opcode) {
        int op = opcode & ~USE_REGISTERED_RING;
        return op >= 0 && op < NAMES.length ? "IORING_" + NAMES[op] : "register opcode " + op;
    }
}
