package io.uring4j.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a prep helper with the opcode it writes and the liburing function it ports. The opcode
 * table in the docs, the coverage test (every {@link Opcode} has a helper and a test) and the
 * probe's per-opcode listing are all read from these marks, so there is no second list to keep.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Prep {
    /**
     * The opcode the helper writes into the SQE.
     *
     * @return the helper's opcode
     */
    Opcode value();

    /**
     * The liburing function this helper is equivalent to.
     *
     * @return the C function's name, e.g. {@code "io_uring_prep_read"}
     */
    String liburing();
}
