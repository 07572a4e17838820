package io.uring4j.runtime;

/**
 * How the runtime packs {@code user_data}: slot index (bits 0–31), slot generation (32–55) and a
 * tag (56–63) saying which of the operation's CQEs this is. A completion is routed to its slot by
 * index, never by fd, so a late CQE cannot reach whoever reuses an fd number (style trap 4); the
 * generation makes a CQE for a recycled slot detectable.
 */
final class UserData {
    private UserData() {}

    /** The operation's own CQE(s). */
    static final int TAG_MAIN = 0;
    /** The CQE of the operation's linked timeout. */
    static final int TAG_TIMEOUT = 1;
    /** A cancel request's own CQE: carries nothing the runtime needs. */
    static final int TAG_CANCEL = 2;
    /** An earlier SQE of the operation's own link chain (e.g. the read before a write). */
    static final int TAG_LINKED = 3;

    static long pack(int tag, int generation, int index) {
        return ((long) tag << 56) | ((long) (generation & 0xFF_FFFF) << 32) | (index & 0xFFFF_FFFFL);
    }

    static int tag(long userData) {
        return (int) (userData >>> 56);
    }

    static int generation(long userData) {
        return (int) (userData >>> 32) & 0xFF_FFFF;
    }

    static int index(long userData) {
        return (int) userData;
    }
}
