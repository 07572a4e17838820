package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static io.uring4j.core.MsgRingOps.*;
import static io.uring4j.core.NetTesting.*;
import static io.uring4j.core.OpTesting.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** MSG_RING between rings: data, flags, fd passing, CQE skip, target overflow, the sync form. */
@Timeout(30)
class MsgRingTest {

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.MSG_RING)
    void dataMessageArrivesOnTheTargetRing(boolean async) {
        try (IoUring source = IoUring.open(8); IoUring target = IoUring.open(8)) {
            requires(source, Opcode.MSG_RING);
            maybeAsync(source.getSqe().prepMsgRing(target.fd(), 0x1234, 0xCAFE_BABEL, 0).userData(1), async);
            Completion sent = submitOne(source);
            assertEquals(new Completion(1, 0, 0), sent, "the sender's own CQE");
            Completion got = await(target);
            assertEquals(0xCAFE_BABEL, got.userData());
            assertEquals(0x1234, got.res());
            assertEquals(0, got.flags());

            // a ring may message itself
            maybeAsync(source.getSqe().prepMsgRing(source.fd(), 5, 99, 0).userData(2), async);
            source.submit();
            Completion a = await(source), b = await(source);
            Completion self = a.userData() == 99 ? a : b;
            assertEquals(5, self.res());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.MSG_RING)
    void cqeFlagsPassThrough(boolean async) {
        try (IoUring source = IoUring.open(8); IoUring target = IoUring.open(8)) {
            requires(source, Opcode.MSG_RING);
            maybeAsync(source.getSqe().prepMsgRingCqeFlags(target.fd(), 7, 42, 0, 0x5A5A_0000).userData(1), async);
            int res = submitOne(source).res();
            assumeTrue(res != -Errno.EINVAL.code(), "IORING_MSG_RING_FLAGS_PASS needs kernel 6.3");
            assertEquals(0, res);
            Completion got = await(target);
            assertEquals(42, got.userData());
            assertEquals(7, got.res());
            assertEquals(0x5A5A_0000, got.flags() & 0xFFFF_0000, "the passed flags: " + got);
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.MSG_RING, Opcode.READ})
    void registeredPipeTravelsToAnotherRingAndStaysReadable(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring source = IoUring.open(8); IoUring target = IoUring.open(8)) {
            requires(source, Opcode.MSG_RING);
            int[] pipe = net.pipe();
            net.registerFiles(source, -1, pipe[0]);
            net.registerSparseFiles(target, 4);
            maybeAsync(source.getSqe().prepMsgRingFd(target.fd(), 1, 3, 77, 0).userData(1), async);
            assertEquals(0, submitOne(source).res());
            assertEquals(new Completion(77, 0, 0), await(target));

            net.closeNow(pipe[0]); // the tables hold their own references
            net.writeAll(pipe[1], net.bytes("through-ring"));
            MemorySegment buf = net.arena.allocate(32);
            maybeAsync(target.getSqe().prepRead(0, buf, 32, -1).fixedFile(3).userData(2), async);
            Completion r = submitOne(target);
            assertEquals(12, r.res(), r.toString());
            assertEquals("through-ring", text(buf, 12));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.MSG_RING)
    void fdAllocReportsTheSlotAndCqeSkipStaysSilent(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring source = IoUring.open(8); IoUring target = IoUring.open(8)) {
            requires(source, Opcode.MSG_RING);
            int[] pipe = net.pipe();
            net.registerFiles(source, pipe[0], pipe[1]);
            net.registerSparseFiles(target, 4);

            maybeAsync(source.getSqe().prepMsgRingFdAlloc(target.fd(), 1, 5, 0).userData(1), async);
            assertEquals(0, submitOne(source).res());
            Completion alloc = await(target);
            assertEquals(5, alloc.userData());
            assertTrue(alloc.res() >= 0 && alloc.res() < 4, "the allocated slot: " + alloc);

            maybeAsync(source.getSqe().prepMsgRingFd(target.fd(), 0, 3, 6, MSG_RING_CQE_SKIP).userData(2), async);
            assertEquals(0, submitOne(source).res());
            assertNull(poll(target, Duration.ofMillis(200)), "CQE_SKIP: nothing posted on the target");

            // both installed files work: write through the alloc'd slot, read through slot 3
            MemorySegment data = net.bytes("skip");
            maybeAsync(target.getSqe().prepWrite(0, data, -1).fixedFile(alloc.res()).userData(3), async);
            assertEquals(4, submitOne(target).res());
            MemorySegment buf = net.arena.allocate(8);
            maybeAsync(target.getSqe().prepRead(0, buf, 4, -1).fixedFile(3).userData(4), async);
            assertEquals(4, submitOne(target).res());
            assertEquals("skip", text(buf, 4));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.MSG_RING)
    void targetOverflowLosesNothing(boolean async) {
        try (IoUring source = IoUring.open(32); IoUring target = IoUring.open(2)) {
            requires(source, Opcode.MSG_RING);
            assumeTrue(target.hasFeature(Feature.NODROP), "without NODROP an overflowing CQ drops entries");
            int n = 4 * target.cqEntries();
            for (int i = 0; i < n; i++) {
                maybeAsync(source.getSqe().prepMsgRing(target.fd(), i, 1000 + i, 0).userData(i), async);
            }
            source.submit();
            for (int i = 0; i < n; i++) {
                Completion c = await(source);
                assertEquals(0, c.res(), "every message was delivered: " + c);
            }
            assertTrue(target.cqHasOverflowPending(), "the target's CQ overflowed into the kernel's list");
            boolean[] seen = new boolean[n];
            for (int i = 0; i < n; i++) {
                Completion c = await(target);
                int k = (int) (c.userData() - 1000);
                assertEquals(k, c.res());
                assertFalse(seen[k], "no duplicates");
                seen[k] = true;
            }
            assertNull(poll(target, Duration.ofMillis(50)));
            assertFalse(target.cqHasOverflowPending());
        }
    }

    @Test
    @Covers(Opcode.MSG_RING)
    void syncMessageNeedsNoRingOfItsOwn() {
        try (NetTesting net = new NetTesting(); IoUring target = IoUring.open(8)) {
            requires(target, Opcode.MSG_RING);
            try {
                MsgRingOps.msgRingSync(target.fd(), 11, 111, 0);
            } catch (IoUringException e) {
                assumeTrue(e.errno() != Errno.EINVAL.code(), "IORING_REGISTER_SEND_MSG_RING needs kernel 6.13: " + e.getMessage());
                throw e;
            }
            assertEquals(new Completion(111, 11, 0), await(target));
            MsgRingOps.msgRingSyncCqeFlags(target.fd(), 12, 112, 0, 0x7000_0000);
            Completion c = await(target);
            assertEquals(112, c.userData());
            assertEquals(0x7000_0000, c.flags() & 0xFFFF_0000);

            int[] pipe = net.pipe();
            var e = assertThrows(IoUringException.class, () -> MsgRingOps.msgRingSync(pipe[0], 1, 1, 0));
            assertEquals(Errno.EBADFD.code(), e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains("REGISTER_SEND_MSG_RING"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.MSG_RING)
    void messageToANonRingFails(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring source = IoUring.open(4)) {
            requires(source, Opcode.MSG_RING);
            int[] pipe = net.pipe();
            maybeAsync(source.getSqe().prepMsgRing(pipe[0], 1, 1, 0).userData(1), async);
            assertEquals(-Errno.EBADFD.code(), submitOne(source).res());
            assertThrows(IllegalArgumentException.class, () -> source.getSqe().prepMsgRingFd(3, -1, 0, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> source.getSqe().prepMsgRingFd(3, 0, -2, 0, 0));
        }
    }
}
