package io.uring4j.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.util.List;

import static io.uring4j.core.RegistrationTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Restrictions on an R_DISABLED ring, then enableRings. */
@Timeout(30)
class RegistrationRestrictionsTest {

    @Test
    void ringRestrictedToNopRefusesReads() {
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(4, SetupFlag.R_DISABLED)) {
            Registration reg = ring.registration();
            reg.registerRestrictions(List.of(
                    Restriction.allowSqeOp(Opcode.NOP),
                    Restriction.allowSqeFlags(SqeFlag.ASYNC),
                    Restriction.allowRegisterOp(RegisterOp.REGISTER_PERSONALITY.code())));
            reg.enableRings();

            ring.getSqe().prepNop().userData(1);
            assertEquals(0, submitOne(ring).res(), "NOP is allowed");
            ring.getSqe().prepNop().userData(2).flag(SqeFlag.ASYNC);
            assertEquals(0, submitOne(ring).res(), "IOSQE_ASYNC is allowed");
            ring.getSqe().prepRead(0, arena.allocate(8), 0).userData(3);
            assertEquals(-Errno.EACCES.code(), submitOne(ring).res(), "READ is not on the list");
            ring.getSqe().prepNop().userData(4).flag(SqeFlag.IO_DRAIN);
            assertEquals(-Errno.EACCES.code(), submitOne(ring).res(), "IO_DRAIN is not an allowed flag");

            assertTrue(reg.registerPersonality() > 0, "an allowed register opcode");
            IoUringException e = assertThrows(IoUringException.class, () -> reg.registerFilesSparse(4));
            assertEquals(Errno.EACCES, e.errnoConstant(), "a register opcode not on the list");
        }
    }

    @Test
    void requiredFlagsMustBeOnEverySqe() {
        try (IoUring ring = IoUring.open(4, SetupFlag.R_DISABLED)) {
            ring.registration().registerRestrictions(Restriction.allowSqeOp(Opcode.NOP),
                    Restriction.requireSqeFlags(SqeFlag.ASYNC));
            ring.registration().enableRings();
            ring.getSqe().prepNop().userData(1);
            assertEquals(-Errno.EACCES.code(), submitOne(ring).res(), "a NOP without the required IOSQE_ASYNC");
            ring.getSqe().prepNop().userData(2).flag(SqeFlag.ASYNC);
            assertEquals(0, submitOne(ring).res());
        }
    }

    @Test
    void disabledRingRefusesSubmissionUntilEnabled() {
        try (IoUring ring = IoUring.open(4, SetupFlag.R_DISABLED)) {
            ring.getSqe().prepNop();
            IoUringException e = assertThrows(IoUringException.class, ring::submit);
            assertEquals(Errno.EBADFD, e.errnoConstant());
            ring.registration().enableRings();
            assertEquals(1, ring.submit(), "the pending NOP goes once the ring is enabled");
            assertEquals(0, next(ring).res());
            IoUringException again = assertThrows(IoUringException.class, () -> ring.registration().enableRings());
            assertEquals(Errno.EBADFD, again.errnoConstant());
            assertTrue(again.getMessage().contains("IORING_REGISTER_ENABLE_RINGS"), again.getMessage());
        }
    }

    @Test
    void restrictionsNeedADisabledRingAndSaneValues() {
        try (IoUring ring = IoUring.open(4)) {
            IoUringException e = assertThrows(IoUringException.class,
                    () -> ring.registration().registerRestrictions(Restriction.allowSqeOp(Opcode.NOP)));
            assertEquals(Errno.EBADFD, e.errnoConstant());
            assertTrue(e.getMessage().contains("IORING_REGISTER_RESTRICTIONS"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ring.registration().registerRestrictions(List.of()));
        }
        assertThrows(IllegalArgumentException.class, () -> Restriction.allowRegisterOp(256));
        assertThrows(IllegalArgumentException.class, () -> new Restriction(Restriction.Kind.SQE_OP, -1));
        assertThrows(NullPointerException.class, () -> new Restriction(null, 0));
        assertEquals(new Restriction(Restriction.Kind.SQE_FLAGS_ALLOWED, 0x11),
                Restriction.allowSqeFlags(SqeFlag.FIXED_FILE, SqeFlag.ASYNC));
        assertEquals(3, Restriction.Kind.SQE_FLAGS_REQUIRED.code());
    }
}
