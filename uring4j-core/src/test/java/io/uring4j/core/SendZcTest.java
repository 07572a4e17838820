package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.uring4j.core.NetTesting.*;
import static io.uring4j.core.OpTesting.*;
import static io.uring4j.core.SendRecvOps.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Zero-copy sends: a result CQE with F_MORE, then a notification CQE with
 * F_NOTIF once the buffer is free; usage reporting; registered buffers; data intact.
 */
@Timeout(30)
class SendZcTest {

    /**
     * Waits for a zero-copy send's two CQEs and checks their shape; returns the notification's
     * res. The result comes first (the notification is posted only after it).
     */
    private static int expectResultThenNotification(IoUring ring, long userData, int bytes) {
        List<Completion> cs = submitAndAwait(ring, 2);
        Completion result = cs.get(0), notif = cs.get(1);
        assertEquals(userData, result.userData(), cs.toString());
        assertEquals(bytes, result.res(), "bytes sent: " + cs);
        assertTrue(result.more(), "F_MORE announces the notification: " + cs);
        assertFalse(result.has(CqeFlag.NOTIF), cs.toString());
        assertEquals(userData, notif.userData(), "the notification carries the same user_data");
        assertTrue(notif.has(CqeFlag.NOTIF), "F_NOTIF: " + cs);
        assertFalse(notif.more(), "the notification is the last CQE: " + cs);
        return notif.res();
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.SEND_ZC)
    void sendZcPostsResultThenNotification(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.SEND_ZC);
            int[] pair = net.tcpPair(V4);
            MemorySegment data = net.pattern(8192, 9);
            maybeAsync(ring.getSqe().prepSendZc(pair[0], data, data.byteSize(), 0, 0).userData(1), async);
            assertEquals(0, expectResultThenNotification(ring, 1, 8192), "no usage report asked for");
            assertArrayEquals(data.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), net.recvExactly(pair[1], 8192));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.SEND_ZC)
    void reportUsageSaysWhetherDataWasCopied(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.SEND_ZC);
            int[] pair = net.tcpPair(V6);
            MemorySegment data = net.pattern(4096, 1);
            maybeAsync(ring.getSqe().prepSendZc(pair[0], data, 4096, 0, SEND_ZC_REPORT_USAGE).userData(2), async);
            int usage = expectResultThenNotification(ring, 2, 4096);
            assertEquals(0, usage & ~NOTIF_USAGE_ZC_COPIED, "only the COPIED bit may be set: 0x" + Integer.toHexString(usage));
            // delivery to a local socket must not keep user pages, so on loopback the kernel copies
            assertEquals(NOTIF_USAGE_ZC_COPIED, usage, "loopback reports the copy");
            assertArrayEquals(data.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), net.recvExactly(pair[1], 4096));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.SEND_ZC)
    void sendZcFromARegisteredBuffer(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.SEND_ZC);
            int[] pair = net.tcpPair(V4);
            MemorySegment registered = net.pattern(16384, 4);
            net.registerBuffers(ring, registered);
            MemorySegment slice = registered.asSlice(4096, 6000);
            maybeAsync(ring.getSqe().prepSendZcFixed(pair[0], slice, 6000, 0, 0, 0).userData(3), async);
            expectResultThenNotification(ring, 3, 6000);
            assertArrayEquals(slice.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), net.recvExactly(pair[1], 6000));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.SEND_ZC)
    void sendZcToAnAddressOverUdp(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.SEND_ZC);
            int a = net.udpSocket(V4), b = net.udpSocket(V4);
            MemorySegment to = SocketAddresses.allocate(net.arena, net.localAddress(b));
            MemorySegment data = net.bytes("zero-copy datagram");
            maybeAsync(ring.getSqe().prepSendZc(a, data, data.byteSize(), 0, 0).prepSendSetAddr(to, (int) to.byteSize())
                    .userData(4), async);
            expectResultThenNotification(ring, 4, (int) data.byteSize());
            assertEquals("zero-copy datagram", new String(net.recvExactly(b, (int) data.byteSize())));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.SENDMSG_ZC)
    void sendmsgZcGathersAndNotifies(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.SENDMSG_ZC);
            int[] pair = net.tcpPair(V4);
            MemorySegment msg = Msghdr.allocate(net.arena, MemorySegment.NULL, MemorySegment.NULL,
                    net.bytes("zero-"), net.bytes("copy "), net.bytes("sendmsg"));
            maybeAsync(ring.getSqe().prepSendmsgZc(pair[0], msg, 0).userData(5), async);
            int usage = expectResultThenNotification(ring, 5, 17);
            assertEquals(0, usage);
            assertEquals("zero-copy sendmsg", new String(net.recvExactly(pair[1], 17)));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.SENDMSG_ZC)
    void sendmsgZcFromRegisteredBuffers(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.SENDMSG_ZC);
            int[] pair = net.tcpPair(V4);
            MemorySegment registered = net.pattern(8192, 2);
            net.registerBuffers(ring, registered);
            MemorySegment x = registered.asSlice(100, 1000), y = registered.asSlice(5000, 3000);
            MemorySegment msg = Msghdr.allocate(net.arena, MemorySegment.NULL, MemorySegment.NULL, x, y);
            maybeAsync(ring.getSqe().prepSendmsgZcFixed(pair[0], msg, 0, 0).userData(6), async);
            List<Completion> first = submitAndAwait(ring, 1);
            if (first.getFirst().res() == -Errno.EINVAL.code()) {
                org.junit.jupiter.api.Assumptions.abort("registered buffers for SENDMSG_ZC need kernel 6.15: " + first);
            }
            Completion result = first.getFirst();
            assertEquals(4000, result.res(), result.toString());
            assertTrue(result.more());
            Completion notif = await(ring);
            assertTrue(notif.has(CqeFlag.NOTIF), notif.toString());
            byte[] got = net.recvExactly(pair[1], 4000);
            MemorySegment expected = net.arena.allocate(4000);
            MemorySegment.copy(x, 0, expected, 0, 1000);
            MemorySegment.copy(y, 0, expected, 1000, 3000);
            assertArrayEquals(expected.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), got);
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.SEND_ZC)
    void invalidZeroCopyFlagsFailAndStillNotify(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.SEND_ZC);
            int[] pair = net.tcpPair(V4);
            maybeAsync(ring.getSqe().prepSendZc(pair[0], net.bytes("x"), 1, 0, RECV_MULTISHOT).userData(7), async);
            Completion c = submitOne(ring);
            assertEquals(-Errno.EINVAL.code(), c.res(), c.toString());
            // the notification slot was taken at prep, so even a failure announces and posts it
            if (c.more()) {
                Completion notif = await(ring);
                assertEquals(7, notif.userData());
                assertTrue(notif.has(CqeFlag.NOTIF), notif.toString());
            }
            assertEquals(-Errno.EAGAIN.code(), Posix.recv(pair[1], net.arena.allocate(1), 1, SocketConstants.MSG_DONTWAIT));
        }
    }

    /**
     * RECV_ZC needs a zcrx interface queue registered on a NIC hardware queue with header split;
     * loopback has none, so only the request's refusal without one is checked here.
     */
    @Test
    @Covers(Opcode.RECV_ZC)
    void recvZcWithoutAnIfqIsRefused() {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(4, SetupFlag.CQE32)) {
            requires(ring, Opcode.RECV_ZC);
            int[] pair = net.tcpPair(V4);
            ring.getSqe().prepRecvZc(pair[1], 0, 0).userData(8);
            Completion c = submitOne(ring);
            assertEquals(-Errno.EINVAL.code(), c.res(), "no zcrx ifq 0 is registered: " + c);
            org.junit.jupiter.api.Assumptions.abort("the RECV_ZC data path needs a zcrx-capable NIC queue; none on loopback");
        }
    }
}
