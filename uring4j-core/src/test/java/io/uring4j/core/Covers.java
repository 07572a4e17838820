package io.uring4j.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a conformance test with the opcodes it submits to a real kernel and checks, so
 * {@link OpcodeCoverageTest} can tell which opcodes have a test without a second list.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Covers {
    Opcode[] value();
}
