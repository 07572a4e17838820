package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.uring4j.core.NetTesting.*;
import static io.uring4j.core.OpTesting.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** ACCEPT in all its forms over real loopback sockets. */
@Timeout(30)
class AcceptTest {

    static Stream<Arguments> familiesAndModes() {
        return Stream.of(Arguments.of(V4, false), Arguments.of(V4, true), Arguments.of(V6, false), Arguments.of(V6, true));
    }

    /** The peer address segment, which lives until completion, holds the client's address. */
    @ParameterizedTest(name = "{0} async={1}")
    @MethodSource("familiesAndModes")
    @Covers(Opcode.ACCEPT)
    void acceptWritesPeerAddressAndPort(InetAddress ip, boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.ACCEPT);
            int listener = net.tcpListener(ip, 4);
            MemorySegment peer = SocketAddresses.allocateStorage(net.arena);
            MemorySegment peerLen = SocketAddresses.allocateLength(net.arena, SocketAddresses.SOCKADDR_STORAGE_BYTES);
            maybeAsync(ring.getSqe().prepAccept(listener, peer, peerLen, SocketConstants.SOCK_CLOEXEC).userData(1), async);
            ring.submit();
            int client = net.connect(net.localAddress(listener));

            Completion c = await(ring);
            int accepted = net.track(c.res(), "accept CQE");
            int expectedLen = ip instanceof java.net.Inet6Address ? SocketAddresses.SOCKADDR_IN6_BYTES : SocketAddresses.SOCKADDR_IN_BYTES;
            assertEquals(expectedLen, peerLen.get(JAVA_INT, 0), "addrlen written back");
            InetSocketAddress seen = SocketAddresses.readInet(peer, peerLen.get(JAVA_INT, 0));
            assertEquals(net.localAddress(client), seen, "peer address equals the client's own address");

            // the accepted fd is a live connection
            net.writeAll(accepted, net.bytes("ping"));
            assertArrayEquals("ping".getBytes(), net.recvExactly(client, 4));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.ACCEPT)
    void acceptWithoutAddressAndOnUnixSocket(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.ACCEPT);
            // an abstract unix name: no file to clean up
            String name = "\0uring4j-accept-" + ProcessHandle.current().pid() + "-" + async;
            int listener = net.track(Posix.socket(SocketConstants.AF_UNIX, SocketConstants.SOCK_STREAM, 0), "unix socket");
            MemorySegment addr = net.arena.allocate(SocketAddresses.SOCKADDR_UN_BYTES);
            int len = SocketAddresses.writeUnix(addr, name);
            assertEquals(0, Posix.bind(listener, addr, len));
            assertEquals(0, Posix.listen(listener, 4));
            assertEquals(name, SocketAddresses.readUnixPath(addr, len));

            MemorySegment peer = SocketAddresses.allocateStorage(net.arena);
            MemorySegment peerLen = SocketAddresses.allocateLength(net.arena, SocketAddresses.SOCKADDR_STORAGE_BYTES);
            maybeAsync(ring.getSqe().prepAccept(listener, peer, peerLen, 0).userData(1), async);
            maybeAsync(ring.getSqe().prepAccept(listener, MemorySegment.NULL, MemorySegment.NULL, 0).userData(2), async);
            ring.submit();
            for (int i = 0; i < 2; i++) {
                int client = net.track(Posix.socket(SocketConstants.AF_UNIX, SocketConstants.SOCK_STREAM, 0), "unix client");
                assertEquals(0, Posix.connect(client, addr, len));
            }
            List<Completion> cs = List.of(await(ring), await(ring));
            for (Completion c : cs) net.track(c.res(), "accept " + c);
            // the client is unnamed: the kernel reports just the family
            assertEquals(2, peerLen.get(JAVA_INT, 0));
            assertEquals(UnixDomainSocketAddress.of(""), SocketAddresses.read(peer, 2));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.ACCEPT)
    void multishotAcceptPostsOneCqePerConnectionWithMore(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.ACCEPT);
            int listener = net.tcpListener(V4, 8);
            MemorySegment peer = SocketAddresses.allocateStorage(net.arena);
            MemorySegment peerLen = SocketAddresses.allocateLength(net.arena, SocketAddresses.SOCKADDR_STORAGE_BYTES);
            maybeAsync(ring.getSqe().prepMultishotAccept(listener, peer, peerLen, SocketConstants.SOCK_CLOEXEC).userData(9), async);
            ring.submit();
            Set<Integer> accepted = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                int client = net.connect(net.localAddress(listener));
                Completion c = await(ring);
                assertEquals(9, c.userData());
                assertTrue(c.more(), "a multishot accept stays armed: " + c);
                accepted.add(net.track(c.res(), "multishot accept " + i));
                // the segment is rewritten by every accept
                assertEquals(net.localAddress(client), SocketAddresses.readInet(peer, peerLen.get(JAVA_INT, 0)));
            }
            assertEquals(3, accepted.size(), "three distinct fds");
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.ACCEPT)
    void acceptDirectInstallsIntoTheRequestedSlot(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.ACCEPT);
            net.registerSparseFiles(ring, 4);
            int listener = net.tcpListener(V4, 4);
            maybeAsync(ring.getSqe().prepAcceptDirect(listener, MemorySegment.NULL, MemorySegment.NULL, 0, 2).userData(1), async);
            maybeAsync(ring.getSqe().prepAcceptDirectAlloc(listener, MemorySegment.NULL, MemorySegment.NULL, 0).userData(2), async);
            ring.submit();
            int first = net.connect(net.localAddress(listener));
            Completion a = await(ring);
            int second = net.connect(net.localAddress(listener));
            Completion b = await(ring);
            Completion direct = a.userData() == 1 ? a : b;
            Completion alloc = a.userData() == 1 ? b : a;
            assertEquals(0, direct.res(), "accept into a given slot returns 0: " + direct);
            assertTrue(alloc.res() >= 0 && alloc.res() < 4 && alloc.res() != 2, "allocated slot: " + alloc);

            // talk through both slots with IOSQE_FIXED_FILE
            ring.getSqe().prepSend(0, net.bytes("slot2"), 0).fixedFile(2).userData(3);
            ring.getSqe().prepSend(0, net.bytes("alloc"), 0).fixedFile(alloc.res()).userData(4);
            for (Completion c : submitAndAwait(ring, 2)) assertEquals(5, c.res(), c.toString());
            byte[] x = net.recvExactly(first, 5), y = net.recvExactly(second, 5);
            Set<String> got = Set.of(new String(x), new String(y));
            assertEquals(Set.of("slot2", "alloc"), got);
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.ACCEPT)
    void multishotAcceptDirectAllocatesSlots(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.ACCEPT);
            net.registerSparseFiles(ring, 8);
            int listener = net.tcpListener(V6, 8);
            maybeAsync(ring.getSqe().prepMultishotAcceptDirect(listener, MemorySegment.NULL, MemorySegment.NULL, 0).userData(5), async);
            ring.submit();
            Set<Integer> slots = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                net.connect(net.localAddress(listener));
                Completion c = await(ring);
                assertTrue(c.more(), c.toString());
                assertTrue(c.res() >= 0 && c.res() < 8, "a slot index: " + c);
                slots.add(c.res());
            }
            assertEquals(3, slots.size());
        }
    }

    /** An accept that nobody connects to is cut short by its link timeout. */
    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.ACCEPT, Opcode.LINK_TIMEOUT})
    void acceptLinkedToTimeoutIsCanceled(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.ACCEPT);
            int listener = net.tcpListener(V4, 4);
            MemorySegment ts = KernelTimespec.allocate(net.arena, Duration.ofMillis(100));
            maybeAsync(ring.getSqe().prepAccept(listener, MemorySegment.NULL, MemorySegment.NULL, 0).userData(1), async)
                    .flag(SqeFlag.IO_LINK);
            ring.getSqe().prepLinkTimeout(ts, 0).userData(2);
            long start = System.nanoTime();
            List<Completion> cs = submitAndAwait(ring, 2);
            assertEquals(-Errno.ECANCELED.code(), byUserData(cs, 1).res(), cs.toString());
            assertEquals(-Errno.ETIME.code(), byUserData(cs, 2).res(), cs.toString());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeTheKernelSeesThem() {
        try (IoUring ring = IoUring.open(2); Arena a = Arena.ofConfined()) {
            Sqe sqe = ring.getSqe();
            MemorySegment addr = SocketAddresses.allocateStorage(a);
            MemorySegment len = SocketAddresses.allocateLength(a, 129);
            var e = assertThrows(IllegalArgumentException.class, () -> sqe.prepAccept(3, addr, len, 0));
            assertTrue(e.getMessage().contains("0..128") && e.getMessage().contains("129"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sqe.prepAccept(3, addr, MemorySegment.NULL, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepAccept(3, MemorySegment.ofArray(new byte[16]),
                    SocketAddresses.allocateLength(a, 16), 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepAccept(3, addr, a.allocate(2), 0));
            var s = assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepAcceptDirect(3, MemorySegment.NULL, MemorySegment.NULL, 0, -1));
            assertTrue(s.getMessage().contains("-1"), s.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sqe.prepConnect(3, addr, 129));
        }
    }
}
