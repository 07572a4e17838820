package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.uring4j.core.NetTesting.*;
import static io.uring4j.core.OpTesting.*;
import static org.junit.jupiter.api.Assertions.*;

/** send/recv, sendto, sendmsg/recvmsg over loopback TCP and UDP. */
@Timeout(30)
class SendRecvTest {

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.SEND, Opcode.RECV})
    void sendAndRecvMoveEveryByte(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            int[] pair = net.tcpPair(V4);
            int n = 200_000;
            MemorySegment out = net.pattern(n, 3);
            MemorySegment in = net.arena.allocate(n);
            maybeAsync(ring.getSqe().prepRecv(pair[1], in, n, Msghdr.MSG_WAITALL).userData(2), async);
            maybeAsync(ring.getSqe().prepSend(pair[0], out, Msghdr.MSG_WAITALL).userData(1), async);
            List<Completion> cs = submitAndAwait(ring, 2);
            assertEquals(n, byUserData(cs, 1).res(), cs.toString());
            assertEquals(n, byUserData(cs, 2).res(), cs.toString());
            assertEquals(-1, in.mismatch(out), "received bytes equal the sent ones");
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.SEND, Opcode.RECVMSG})
    void sendtoReachesTheAddressAndRecvmsgNamesTheSender(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            int a = net.udpSocket(V6), b = net.udpSocket(V6);
            MemorySegment to = SocketAddresses.allocate(net.arena, net.localAddress(b));
            MemorySegment data = net.bytes("datagram-to-b");
            maybeAsync(ring.getSqe().prepSendto(a, data, data.byteSize(), 0, to, (int) to.byteSize()).userData(1), async);
            assertEquals(data.byteSize(), submitOne(ring).res());

            MemorySegment name = SocketAddresses.allocateStorage(net.arena);
            MemorySegment head = net.arena.allocate(8), tail = net.arena.allocate(32);
            MemorySegment msg = Msghdr.allocate(net.arena, name, MemorySegment.NULL, head, tail);
            maybeAsync(ring.getSqe().prepRecvmsg(b, msg, 0).userData(2), async);
            Completion c = submitOne(ring);
            assertEquals(data.byteSize(), c.res(), c.toString());
            assertEquals("datagram", text(head, 8), "the first iovec fills first");
            assertEquals("-to-b", text(tail, 5));
            assertEquals(SocketAddresses.SOCKADDR_IN6_BYTES, Msghdr.nameLength(msg), "msg_namelen written back");
            assertEquals(net.localAddress(a), SocketAddresses.readInet(name, Msghdr.nameLength(msg)));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.SENDMSG, Opcode.RECVMSG})
    void sendmsgGathersAndRecvmsgScatters(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            int[] pair = net.tcpPair(V4);
            MemorySegment msgOut = Msghdr.allocate(net.arena, MemorySegment.NULL, MemorySegment.NULL,
                    net.bytes("one,"), net.bytes("two,"), net.bytes("three"));
            assertEquals(3, Msghdr.iovCount(msgOut));
            MemorySegment x = net.arena.allocate(6), y = net.arena.allocate(7);
            MemorySegment msgIn = Msghdr.allocate(net.arena, MemorySegment.NULL, MemorySegment.NULL, x, y);
            maybeAsync(ring.getSqe().prepSendmsg(pair[0], msgOut, 0).userData(1), async);
            assertEquals(13, submitOne(ring).res());
            maybeAsync(ring.getSqe().prepRecvmsg(pair[1], msgIn, Msghdr.MSG_WAITALL).userData(2), async);
            assertEquals(13, submitOne(ring).res());
            assertEquals("one,tw", text(x, 6));
            assertEquals("o,three", text(y, 7));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.SENDMSG, Opcode.RECVMSG})
    void recvmsgReportsTruncationInTheHeader(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            int a = net.udpSocket(V4), b = net.udpSocket(V4);
            MemorySegment to = SocketAddresses.allocate(net.arena, net.localAddress(b));
            MemorySegment out = Msghdr.allocate(net.arena, to, MemorySegment.NULL, net.pattern(100, 1));
            maybeAsync(ring.getSqe().prepSendmsg(a, out, 0).userData(1), async);
            assertEquals(100, submitOne(ring).res(), "sendmsg with msg_name on an unconnected socket");

            MemorySegment small = net.arena.allocate(10);
            MemorySegment in = Msghdr.allocate(net.arena, MemorySegment.NULL, MemorySegment.NULL, small);
            maybeAsync(ring.getSqe().prepRecvmsg(b, in, 0).userData(2), async);
            assertEquals(10, submitOne(ring).res());
            assertTrue((Msghdr.flags(in) & Msghdr.MSG_TRUNC) != 0, "MSG_TRUNC written back into msg_flags");
            assertEquals(-1, small.mismatch(net.pattern(10, 1)));
        }
    }

    @Test
    void badArgumentsNameTheProblem() {
        try (IoUring ring = IoUring.open(2); Arena a = Arena.ofConfined()) {
            Sqe sqe = ring.getSqe();
            var e = assertThrows(IllegalArgumentException.class, () -> sqe.prepSendmsg(3, a.allocate(40), 0));
            assertTrue(e.getMessage().contains("56") && e.getMessage().contains("40"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sqe.prepRecvmsg(3, a.allocate(8), 0));
            var h = assertThrows(IllegalArgumentException.class, () -> sqe.prepSend(3, MemorySegment.ofArray(new byte[4]), 0));
            assertTrue(h.getMessage().contains("native"), h.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sqe.prepRecv(3, a.allocate(4), 5, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepSendto(3, a.allocate(4), 4, 0, a.allocate(16), 17));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepSendSetAddr(a.allocate(1 << 17), 1 << 16));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepSendZcFixed(3, a.allocate(4), 4, 0, 0, 70000));
            assertThrows(IllegalArgumentException.class, () -> Msghdr.allocate(a, MemorySegment.NULL, MemorySegment.NULL,
                    MemorySegment.ofArray(new byte[2])));
            MemorySegment msg = a.allocate(Msghdr.LAYOUT);
            assertThrows(IllegalArgumentException.class, () -> Msghdr.setIov(msg, a.allocate(16), 2));
            assertThrows(IllegalArgumentException.class, () -> Msghdr.setName(msg, a.allocate(4), 5));
        }
    }
}
