package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;

import static io.uring4j.core.NetTesting.*;
import static io.uring4j.core.OpTesting.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Provided-buffer rings: registration, multishot recv with buffer ids and -ENOBUFS termination
 * multishot recvmsg parsed with {@link RecvmsgOut}, incremental consumption
 * (37), a read selecting its buffer from a pipe, and the head status.
 */
@Timeout(30)
class BufferRingTest {
    private static final int SIZE = 64;

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.RECV)
    void multishotRecvUsesRingBuffersThenEndsWithEnobufs(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8); BufferRing br = BufferRing.register(ring, 4, 1)) {
            int[] pair = net.tcpPair(V4);
            MemorySegment pool = net.arena.allocate(4 * SIZE, 64);
            for (int i = 0; i < 4; i++) br.add(pool.asSlice((long) i * SIZE, SIZE), i, i);
            br.advance(4);
            assertEquals(4, br.tail());
            assertEquals(4, br.available());

            maybeAsync(ring.getSqe().prepRecvMultishot(pair[1], MemorySegment.NULL, 0, 0), async)
                    .flag(SqeFlag.BUFFER_SELECT).bufGroup(1).userData(7);
            ring.submit();
            for (int i = 0; i < 4; i++) {
                net.writeAll(pair[0], net.bytes("msg-" + i));
                Completion c = await(ring);
                assertEquals(5, c.res(), c.toString());
                assertTrue(c.more(), "still armed: " + c);
                assertEquals(i, c.bufferId(), "buffers are taken in ring order");
                assertEquals("msg-" + i, text(pool.asSlice((long) c.bufferId() * SIZE), 5));
            }
            net.writeAll(pair[0], net.bytes("msg-4"));
            Completion dry = await(ring);
            assertEquals(-Errno.ENOBUFS.code(), dry.res(), "an empty group ends the request: " + dry);
            assertFalse(dry.more(), "-ENOBUFS terminates the multishot request");
            assertEquals(-1, dry.bufferId());
            assertEquals(4, br.head(), "the kernel consumed four descriptors");
            assertEquals(0, br.available());

            // give one buffer back and re-arm: the waiting data arrives in it
            br.add(pool.asSlice(2L * SIZE, SIZE), 2, 0);
            br.advance(1);
            maybeAsync(ring.getSqe().prepRecvMultishot(pair[1], MemorySegment.NULL, 0, 0), async)
                    .flag(SqeFlag.BUFFER_SELECT).bufGroup(1).userData(8);
            ring.submit();
            Completion again = await(ring);
            assertEquals(5, again.res(), again.toString());
            assertEquals(2, again.bufferId());
            assertEquals("msg-4", text(pool.asSlice(2L * SIZE), 5));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.RECVMSG)
    void multishotRecvmsgBuffersParseWithRecvmsgOut(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8); BufferRing br = BufferRing.register(ring, 4, 2)) {
            int a = net.udpSocket(V4), b = net.udpSocket(V4);
            int bufSize = 256;
            MemorySegment pool = net.arena.allocate(4L * bufSize, 64);
            for (int i = 0; i < 4; i++) br.add(pool.asSlice((long) i * bufSize, bufSize), i, i);
            br.advance(4);

            MemorySegment msg = Msghdr.allocate(net.arena, net.arena.allocate(SocketAddresses.SOCKADDR_IN_BYTES), MemorySegment.NULL);
            // MSG_TRUNC: payloadlen reports a datagram's full length even when it is cut
            maybeAsync(ring.getSqe().prepRecvmsgMultishot(b, msg, Msghdr.MSG_TRUNC), async).flag(SqeFlag.BUFFER_SELECT).bufGroup(2).userData(3);
            ring.submit();
            MemorySegment to = SocketAddresses.allocate(net.arena, net.localAddress(b));
            RecvmsgOut out = new RecvmsgOut(msg);

            for (int len : new int[] {10, 20}) {
                MemorySegment data = net.pattern(len, len);
                assertEquals(len, io.uring4j.core.internal.Posix.sendto(a, data, len, 0, to, (int) to.byteSize()));
                Completion c = await(ring);
                assertTrue(c.more(), c.toString());
                assertEquals(RecvmsgOut.BYTES + SocketAddresses.SOCKADDR_IN_BYTES + len, c.res(), "header + name room + payload");
                out.wrap(pool.asSlice((long) c.bufferId() * bufSize, bufSize), c.res());
                assertEquals(SocketAddresses.SOCKADDR_IN_BYTES, out.nameLength());
                assertEquals(net.localAddress(a), SocketAddresses.readInet(out.name(), out.nameLength()));
                assertEquals(0, out.controlLength());
                assertEquals(len, out.payloadLength());
                assertEquals(-1, out.payload().mismatch(data));
                assertFalse(out.isPayloadTruncated() || out.isNameTruncated() || out.isControlTruncated());
            }

            // a datagram larger than the room after the header and name is cut, and says so
            MemorySegment big = net.pattern(300, 5);
            assertEquals(300, io.uring4j.core.internal.Posix.sendto(a, big, 300, 0, to, (int) to.byteSize()));
            Completion c = await(ring);
            out.wrap(pool.asSlice((long) c.bufferId() * bufSize, bufSize), c.res());
            assertEquals(300, out.payloadLength(), "payloadlen is the datagram's full length");
            assertEquals(bufSize - RecvmsgOut.BYTES - SocketAddresses.SOCKADDR_IN_BYTES, out.payload().byteSize());
            assertTrue(out.isPayloadTruncated());
            assertTrue((out.flags() & Msghdr.MSG_TRUNC) != 0);
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.RECV)
    void incrementalRingConsumesOneBufferPieceByPiece(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            BufferRing br;
            try {
                br = BufferRing.register(ring, 1, 4, BufferRing.INCREMENTAL);
            } catch (IoUringException e) {
                assumeTrue(e.errno() != Errno.EINVAL.code(), "IOU_PBUF_RING_INC needs kernel 6.12: " + e.getMessage());
                throw e;
            }
            try (br) {
                assertTrue(br.isIncremental());
                int[] pair = net.tcpPair(V4);
                MemorySegment big = net.arena.allocate(1024, 64);
                br.add(big, 7, 0);
                br.advance(1);
                for (int i = 0; i < 3; i++) {
                    MemorySegment chunk = net.pattern(100, i * 100);
                    net.writeAll(pair[0], chunk);
                    // an explicit length: from io-wq (ASYNC) the kernel commits the requested length up front
                    maybeAsync(ring.getSqe().prepRecv(pair[1], MemorySegment.NULL, 100, 0), async)
                            .flag(SqeFlag.BUFFER_SELECT).bufGroup(4).userData(i);
                    Completion c = submitOne(ring);
                    assertEquals(100, c.res(), c.toString());
                    assertEquals(7, c.bufferId(), "the same buffer every time");
                    assertTrue(c.has(CqeFlag.BUF_MORE), "the buffer is not used up: " + c);
                    assertEquals(-1, big.asSlice(i * 100L, 100).mismatch(chunk), "chunk " + i + " follows the previous one");
                }
            }
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.READ)
    void readFromPipeSelectsARingBuffer(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8); BufferRing br = BufferRing.register(ring, 2, 3)) {
            int[] pipe = net.pipe();
            MemorySegment pool = net.arena.allocate(2 * SIZE);
            br.add(pool.asSlice(0, SIZE), 10, 0);
            br.add(pool.asSlice(SIZE, SIZE), 11, 1);
            br.advance(2);
            net.writeAll(pipe[1], net.bytes("from a pipe"));
            maybeAsync(ring.getSqe().prepRead(pipe[0], MemorySegment.NULL, -1), async)
                    .flag(SqeFlag.BUFFER_SELECT).bufGroup(3).userData(1);
            Completion c = submitOne(ring);
            assertEquals(11, c.res(), c.toString());
            assertEquals(10, c.bufferId());
            assertEquals("from a pipe", text(pool, 11));
            assertEquals(1, br.head());
            assertEquals(1, br.available());
        }
    }

    @Test
    void registrationChecksAndLifecycle() {
        IoUring ring = IoUring.open(4);
        try {
            for (int bad : new int[] {0, 3, 65536, -1}) {
                var e = assertThrows(IllegalArgumentException.class, () -> BufferRing.register(ring, bad, 1));
                assertTrue(e.getMessage().contains(Integer.toString(bad)), e.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> BufferRing.register(ring, 4, 70000));
            assertThrows(IllegalArgumentException.class, () -> BufferRing.register(ring, 4, 1, 1));

            BufferRing br = BufferRing.register(ring, 8, 5);
            assertEquals(7, br.mask());
            var dup = assertThrows(IoUringException.class, () -> BufferRing.register(ring, 8, 5));
            assertEquals(Errno.EEXIST.code(), dup.errno(), dup.getMessage());
            assertThrows(IllegalArgumentException.class, () -> br.addUnchecked(0x1000, 16, 70000, 0));
            assertThrows(IllegalArgumentException.class, () -> br.addUnchecked(0x1000, 16, 1, 8));
            assertThrows(IllegalArgumentException.class, () -> br.add(MemorySegment.ofArray(new byte[8]), 1, 0));
            assertThrows(IllegalArgumentException.class, () -> br.advance(9));
            br.close();
            br.close(); // idempotent
            assertThrows(IllegalStateException.class, () -> br.addUnchecked(0x1000, 16, 1, 0));
            assertThrows(IllegalStateException.class, br::head);
            // the group id is free again
            BufferRing again = BufferRing.register(ring, 2, 5);
            ring.close();
            again.close(); // the ring already dropped it: only unmaps
        } finally {
            ring.close();
        }
    }
}
