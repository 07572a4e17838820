package io.uring4j.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * A single bit of one of the io_uring flag words (setup flags, features, SQE flags, CQE flags,
 * enter flags).
 *
 * <p>The kernel only ever sees plain {@code int} masks; the enums exist so that code and error
 * messages can talk about flags by name. The static helpers convert between the two worlds and are
 * shared by every flag enum, so the conversion rules (unknown bits are kept as hex in
 * {@link #names}, dropped by {@link #setOf}) are the same everywhere.
 */
public sealed interface BitFlag permits SetupFlag, Feature, SqeFlag, CqeFlag, EnterFlag {

    /**
     * The value of this flag in its kernel flag word.
     *
     * @return the flag's bit; always exactly one bit
     */
    int mask();

    /**
     * The first Linux version (e.g. {@code "5.19"}) that knows this flag: accepts it (setup,
     * SQE and enter flags), reports it (features) or posts it (CQE flags).
     *
     * @return the kernel version, e.g. {@code "5.19"}
     */
    String since();

    /**
     * The C macro name, for messages that match the kernel and liburing docs: the family's
     * prefix ({@code IORING_SETUP_}, {@code IORING_FEAT_}, {@code IOSQE_}, {@code IORING_CQE_F_},
     * {@code IORING_ENTER_}) and the constant's name, e.g. {@code IORING_SETUP_SQE128}.
     *
     * @return the macro name; computed once per constant, so naming a flag allocates nothing
     */
    default String kernelName() {
        return BitFlagConstants.kernelName(this);
    }

    /**
     * Whether this flag's bit is set in a raw kernel flag word.
     *
     * @param flags the flag word, e.g. {@link IoUring#setupFlags()} or {@link Cqe#flags()}
     * @return whether {@link #mask()} is set in it
     */
    default boolean isSet(int flags) {
        return (flags & mask()) != 0;
    }

    /**
     * ORs the masks of {@code flags}; the empty set gives {@code 0}.
     *
     * @param <E>   the flag enum
     * @param flags the flags
     * @return the kernel flag word with exactly their bits set
     */
    static <E extends Enum<E> & BitFlag> int maskOf(Set<E> flags) {
        int mask = 0;
        for (E flag : flags) {
            mask |= flag.mask();
        }
        return mask;
    }

    /**
     * ORs the masks of {@code flags}; loops over the array, so an existing array costs nothing.
     *
     * @param <E>   the flag enum
     * @param flags the flags
     * @return the kernel flag word with exactly their bits set
     */
    @SafeVarargs
    static <E extends Enum<E> & BitFlag> int maskOf(E... flags) {
        int mask = 0;
        for (E flag : flags) {
            mask |= flag.mask();
        }
        return mask;
    }

    /**
     * The constants of {@code type} whose bit is set in {@code mask}. Bits with no constant (newer
     * kernels, or the buffer id in the upper half of CQE flags) are silently dropped, so a round
     * trip through this method can lose information; use {@link #names} for diagnostics.
     *
     * @param <E>  the flag enum
     * @param type the flag enum's class
     * @param mask a raw kernel flag word of that family
     * @return a new set of the constants whose bit is set
     */
    static <E extends Enum<E> & BitFlag> EnumSet<E> setOf(Class<E> type, int mask) {
        EnumSet<E> set = EnumSet.noneOf(type);
        for (BitFlag flag : BitFlagConstants.of(type)) {
            if ((mask & flag.mask()) != 0) {
                set.add(type.cast(flag));
            }
        }
        return set;
    }

    /**
     * A readable rendering of {@code mask} such as {@code "SQE128|CQE32|0x800000"}: constant names
     * in bit order, then any bits without a constant as one hex number; {@code "0"} for an empty
     * mask.
     *
     * @param <E>  the flag enum
     * @param type the flag enum's class
     * @param mask a raw kernel flag word of that family
     * @return the names, {@code |}-separated
     */
    static <E extends Enum<E> & BitFlag> String names(Class<E> type, int mask) {
        if (mask == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        int unknown = mask;
        for (BitFlag flag : BitFlagConstants.of(type)) {
            int m = flag.mask();
            if ((mask & m) != 0) {
                if (!sb.isEmpty()) {
                    sb.append('|');
                }
                sb.append(((Enum<?>) flag).name());
                unknown &= ~m;
            }
        }
        if (unknown != 0) {
            if (!sb.isEmpty()) {
                sb.append('|');
            }
            sb.append("0x").append(Integer.toHexString(unknown));
        }
        return sb.toString();
    }
}

/**
 * Caches each flag enum's constants and kernel names for {@link BitFlag}'s helpers, because
 * {@code Class.getEnumConstants()} clones its array on every call. A separate package-private class
 * because anything nested in an interface would be public API.
 */
final class BitFlagConstants {
    private static final ClassValue<BitFlag[]> CONSTANTS = new ClassValue<>() {
        @Override
        protected BitFlag[] computeValue(Class<?> type) {
            Object[] constants = type.getEnumConstants();
            if (constants == null) {
                throw new IllegalArgumentException(type.getName() + " is not an enum");
            }
            BitFlag[] flags = new BitFlag[constants.length];
            for (int i = 0; i < constants.length; i++) {
                flags[i] = (BitFlag) constants[i];
            }
            return flags;
        }
    };

    /** Each family's kernel names by ordinal, built once: naming a flag in a message allocates nothing. */
    private static final ClassValue<String[]> KERNEL_NAMES = new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
            BitFlag[] flags = CONSTANTS.get(type);
            String[] names = new String[flags.length];
            for (int i = 0; i < flags.length; i++) {
                names[i] = prefix(flags[i]) + ((Enum<?>) flags[i]).name();
            }
            return names;
        }
    };

    private BitFlagConstants() {
    }

    static BitFlag[] of(Class<?> type) {
        return CONSTANTS.get(type);
    }

    static String kernelName(BitFlag flag) {
        Enum<?> e = (Enum<?>) flag;
        return KERNEL_NAMES.get(e.getDeclaringClass())[e.ordinal()];
    }

    /** The C prefix of each family; a new family does not compile until it has one. */
    private static String prefix(BitFlag flag) {
        return switch (flag) {
            case SetupFlag _ -> "IORING_SETUP_";
            case Feature _ -> "IORING_FEAT_";
            case SqeFlag _ -> "IOSQE_";
            case CqeFlag _ -> "IORING_CQE_F_";
            case EnterFlag _ -> "IORING_ENTER_";
        };
    }
}
