package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.uring4j.core.NetTesting.*;
import static io.uring4j.core.OpTesting.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Legacy provided buffers (PROVIDE_BUFFERS / REMOVE_BUFFERS) and send bundles. */
@Timeout(30)
class ProvidedBuffersTest {
    private static final int SIZE = 32;

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.PROVIDE_BUFFERS, Opcode.REMOVE_BUFFERS, Opcode.RECV})
    void legacyGroupFeedsRecvAndGivesBackTheRest(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.PROVIDE_BUFFERS);
            int[] pair = net.tcpPair(V4);
            MemorySegment pool = net.arena.allocate(4 * SIZE);
            maybeAsync(ring.getSqe().prepProvideBuffers(pool, SIZE, 4, 9, 100), async).userData(1);
            Completion p = submitOne(ring);
            assertTrue(p.res() >= 0, "provide: " + p);

            net.writeAll(pair[0], net.bytes("legacy"));
            maybeAsync(ring.getSqe().prepRecv(pair[1], MemorySegment.NULL, 0, 0), async)
                    .flag(SqeFlag.BUFFER_SELECT).bufGroup(9).userData(2);
            Completion r = submitOne(ring);
            assertEquals(6, r.res(), r.toString());
            int bid = r.bufferId();
            assertTrue(bid >= 100 && bid < 104, "an id of the group: " + r);
            assertEquals("legacy", text(pool.asSlice((long) (bid - 100) * SIZE), 6));

            maybeAsync(ring.getSqe().prepRemoveBuffers(10, 9), async).userData(3);
            assertEquals(3, submitOne(ring).res(), "the three unused buffers come back");
            maybeAsync(ring.getSqe().prepRemoveBuffers(1, 9), async).userData(4);
            int again = submitOne(ring).res();
            assertTrue(again == 0 || again == -Errno.ENOENT.code(), "nothing left to remove: " + Errno.describe(again));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.SEND)
    void sendBundleSendsQueuedBuffersInOneRequest(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8); BufferRing br = BufferRing.register(ring, 4, 6)) {
            assumeTrue(ring.hasFeature(Feature.RECVSEND_BUNDLE), "send bundles need kernel 6.10 (IORING_FEAT_RECVSEND_BUNDLE)");
            int[] pair = net.tcpPair(V4);
            String[] parts = {"alpha-", "beta-", "gamma"};
            for (int i = 0; i < parts.length; i++) br.add(net.bytes(parts[i]), i, i);
            br.advance(parts.length);
            maybeAsync(ring.getSqe().prepSendBundle(pair[0], 0, 0), async).flag(SqeFlag.BUFFER_SELECT).bufGroup(6).userData(1);
            Completion c = submitOne(ring);
            if (async && c.res() == -Errno.ECANCELED.code()) {
                // seen on 6.18: a bundle send forced into io-wq is refused as a whole, sending
                // nothing and consuming no buffer; the inline run covers the data path
                assertEquals(0, br.head(), "a refused bundle consumes no buffer");
                assertEquals(-Errno.EAGAIN.code(), Posix.recv(pair[1], net.arena.allocate(16), 16, SocketConstants.MSG_DONTWAIT));
                return;
            }
            assertEquals(16, c.res(), "bytes of all three buffers: " + c);
            assertEquals(0, c.bufferId(), "the first buffer used");
            assertEquals("alpha-beta-gamma", new String(net.recvExactly(pair[1], 16)));
            assertEquals(3, br.head(), "all three descriptors consumed");
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.RECV)
    void recvBundleFillsSeveralBuffers(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8); BufferRing br = BufferRing.register(ring, 4, 8)) {
            assumeTrue(ring.hasFeature(Feature.RECVSEND_BUNDLE), "bundles need kernel 6.10");
            int[] pair = net.tcpPair(V4);
            MemorySegment pool = net.arena.allocate(4 * 8);
            for (int i = 0; i < 4; i++) br.add(pool.asSlice(i * 8L, 8), i, i);
            br.advance(4);
            net.writeAll(pair[0], net.bytes("0123456789abcdefXYZ"));
            maybeAsync(ring.getSqe().prepRecv(pair[1], MemorySegment.NULL, 0, 0), async)
                    .flag(SqeFlag.BUFFER_SELECT).bufGroup(8).ioprio(SendRecvOps.RECVSEND_BUNDLE).userData(1);
            // a bundle fills as many 8-byte buffers as the data needs, contiguous from its first id;
            // the kernel may split 19 bytes over more than one bundle (F_SOCK_NONEMPTY then)
            int got = 0, expectedBid = 0;
            while (got < 19) {
                Completion c = submitOne(ring);
                assertTrue(c.res() > 0, c.toString());
                assertEquals(expectedBid, c.bufferId(), "contiguous buffer ids: " + c);
                if (got == 0) assertTrue(c.res() > 8, "the first bundle spans several buffers: " + c);
                got += c.res();
                expectedBid += (c.res() + 7) / 8;
                if (got < 19) {
                    maybeAsync(ring.getSqe().prepRecv(pair[1], MemorySegment.NULL, 0, 0), async)
                            .flag(SqeFlag.BUFFER_SELECT).bufGroup(8).ioprio(SendRecvOps.RECVSEND_BUNDLE).userData(2);
                }
            }
            assertEquals(19, got);
            assertEquals("0123456789abcdefXYZ", text(pool, 19));
        }
    }

    @Test
    void provideArgumentsAreChecked() {
        try (IoUring ring = IoUring.open(2); Arena a = Arena.ofConfined()) {
            Sqe sqe = ring.getSqe();
            MemorySegment pool = a.allocate(64);
            var e = assertThrows(IllegalArgumentException.class, () -> sqe.prepProvideBuffers(pool, 32, 3, 1, 0));
            assertTrue(e.getMessage().contains("96") && e.getMessage().contains("64"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sqe.prepProvideBuffers(pool, 32, 0, 1, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepProvideBuffers(pool, 0, 2, 1, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepProvideBuffers(pool, 32, 2, 70000, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepProvideBuffers(pool, 32, 2, 1, 65535));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepRemoveBuffers(0, 1));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepSendBundle(3, -1, 0));
        }
    }
}
