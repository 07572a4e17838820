package io.uring4j.core;

import java.util.Objects;

/**
 * One {@code struct io_uring_restriction}: an entry of the allow-list a ring set up with
 * {@link SetupFlag#R_DISABLED} can be locked to before {@link Registration#enableRings()}
 * (kernel 5.10). Once restrictions are registered, only what they allow works: an SQE with
 * another opcode or flags completes with {@code -EACCES}, another register opcode fails with
 * EACCES.
 *
 * <pre>{@code
 * ring.registration().registerRestrictions(List.of(
 *         Restriction.allowSqeOp(Opcode.NOP),
 *         Restriction.allowSqeFlags(SqeFlag.ASYNC)));
 * ring.registration().enableRings();
 * }</pre>
 *
 * @param kind  what the entry allows or requires
 * @param value the opcode or flag mask (8 bits)
 */
public record Restriction(Kind kind, int value) {

    /** {@code IORING_RESTRICTION_*}: the kind of an entry, with its kernel number. */
    public enum Kind {
        /** {@code IORING_RESTRICTION_REGISTER_OP}: allow an {@code io_uring_register(2)} opcode. */
        REGISTER_OP(0),
        /** {@code IORING_RESTRICTION_SQE_OP}: allow an SQE opcode. */
        SQE_OP(1),
        /** {@code IORING_RESTRICTION_SQE_FLAGS_ALLOWED}: IOSQE flags an SQE may carry. */
        SQE_FLAGS_ALLOWED(2),
        /** {@code IORING_RESTRICTION_SQE_FLAGS_REQUIRED}: IOSQE flags every SQE must carry. */
        SQE_FLAGS_REQUIRED(3);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        /**
         * The kernel's number for this kind.
         *
         * @return the {@code IORING_RESTRICTION_*} value
         */
        public int code() {
            return code;
        }
    }

    /**
     * An entry of the allow-list.
     *
     * @param kind  what the entry allows or requires
     * @param value the opcode or flag mask (8 bits)
     * @throws NullPointerException     if {@code kind} is null
     * @throws IllegalArgumentException if {@code value} is outside 0..255
     */
    public Restriction {
        Objects.requireNonNull(kind, "kind");
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("a restriction value is an 8-bit opcode or flag mask (0..255), given " + value + " for " + kind);
        }
    }

    /**
     * Allows SQEs with opcode {@code op}.
     *
     * @param op the opcode to allow
     * @return an {@link Kind#SQE_OP} entry
     */
    public static Restriction allowSqeOp(Opcode op) {
        return new Restriction(Kind.SQE_OP, op.code());
    }

    /**
     * Allows the {@code io_uring_register(2)} opcode with kernel number {@code registerOpcode}
     * ({@code IORING_REGISTER_*}, e.g. 0 for REGISTER_BUFFERS, 9 for REGISTER_PERSONALITY).
     *
     * @param registerOpcode the register opcode number (0..255)
     * @return a {@link Kind#REGISTER_OP} entry
     * @throws IllegalArgumentException if {@code registerOpcode} is outside 0..255
     */
    public static Restriction allowRegisterOp(int registerOpcode) {
        return new Restriction(Kind.REGISTER_OP, registerOpcode);
    }

    /**
     * Allows SQEs to carry these IOSQE flags (without this entry, no flag is allowed).
     *
     * @param flags the flags to allow
     * @return a {@link Kind#SQE_FLAGS_ALLOWED} entry
     */
    public static Restriction allowSqeFlags(SqeFlag... flags) {
        return new Restriction(Kind.SQE_FLAGS_ALLOWED, mask(flags));
    }

    /**
     * Requires every SQE to carry these IOSQE flags.
     *
     * @param flags the flags every SQE must carry
     * @return a {@link Kind#SQE_FLAGS_REQUIRED} entry
     */
    public static Restriction requireSqeFlags(SqeFlag... flags) {
        return new Restriction(Kind.SQE_FLAGS_REQUIRED, mask(flags));
    }

    private static int mask(SqeFlag[] flags) {
        int m = 0;
        for (SqeFlag f : flags) m |= f.mask();
        return m;
    }
}
