package io.uring4j.runtime;

import io.uring4j.core.SocketAddresses;
import io.uring4j.core.internal.Posix;
import io.uring4j.runtime.MessageSocket.Received;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** UDP (v4, v6) and AF_UNIX SOCK_SEQPACKET through {@link MessageSocket}, on real sockets. */
@Timeout(60)
class MessageSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(2);

    private static InetSocketAddress loopback(boolean v6) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(v6 ? "::1" : "127.0.0.1"), 0);
    }

    private static ByteBuffer text(String s, boolean direct) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(b.length) : ByteBuffer.allocate(b.length);
        return buf.put(b).flip();
    }

    private static String text(ByteBuffer b, Received r) {
        byte[] out = new byte[r.length()];
        b.flip().get(out);
        return new String(out, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void udpSendToAndReceiveCarryTheSender(boolean v6) throws Exception {
        try (MessageSocket a = MessageSocket.udp(loops.group(), loopback(v6)); MessageSocket b = MessageSocket.udp(loops.group(), loopback(v6))) {
            assertNotEquals(0, ((InetSocketAddress) a.localAddress()).getPort(), "bound to a free port");
            for (boolean direct : new boolean[] {false, true}) {
                ByteBuffer msg = text("hello over " + (v6 ? "IPv6" : "IPv4"), direct);
                int n = msg.remaining();
                assertEquals(n, a.sendTo(msg, b.localAddress()));
                assertFalse(msg.hasRemaining(), "the message was consumed");
                ByteBuffer in = direct ? ByteBuffer.allocateDirect(100) : ByteBuffer.allocate(100);
                Received r = b.receive(in, WAIT);
                assertEquals(n, r.length());
                assertFalse(r.truncated());
                assertEquals(a.localAddress(), r.sender(), "the sender's bound address");
                assertEquals("hello over " + (v6 ? "IPv6" : "IPv4"), text(in, r));
            }
            // a connected socket: send() needs no address, and the peer sees the right sender
            a.connect((InetSocketAddress) b.localAddress());
            assertEquals(b.localAddress(), a.remoteAddress());
            a.send(text("connected", false));
            ByteBuffer in = ByteBuffer.allocate(64);
            Received r = b.receive(in, WAIT);
            assertEquals(a.localAddress(), r.sender());
            assertEquals("connected", text(in, r));
            // an empty datagram is a message too
            assertEquals(0, a.send(ByteBuffer.allocate(0)));
            r = b.receive(ByteBuffer.allocate(8), WAIT);
            assertEquals(0, r.length());
            assertEquals(a.localAddress(), r.sender());
        }
    }

    @Test
    void aLongDatagramIsCutAndSaysSo() throws Exception {
        try (MessageSocket a = MessageSocket.udp(loops.group(), loopback(false)); MessageSocket b = MessageSocket.udp(loops.group(), loopback(false))) {
            a.sendTo(ByteBuffer.wrap(new byte[1000]), b.localAddress());
            a.sendTo(text("next", false), b.localAddress());
            ByteBuffer small = ByteBuffer.allocate(10);
            Received r = b.receive(small, WAIT);
            assertEquals(10, r.length());
            assertTrue(r.truncated(), "MSG_TRUNC");
            ByteBuffer in = ByteBuffer.allocate(10);
            r = b.receive(in, WAIT);
            assertFalse(r.truncated());
            assertEquals("next", text(in, r), "the rest of the long one is gone: boundaries kept");
        }
    }

    /** Field report 3: a failed member of a send chain does not reorder or lose the ones after it. */
    @Test
    void aFailedSendInAChainLeavesTheOthersInOrder() throws Exception {
        try (MessageSocket a = MessageSocket.udp(loops.group(), loopback(false)); MessageSocket b = MessageSocket.udp(loops.group(), loopback(false))) {
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                fs.add(a.sendToAsync(text("m" + round + "-0", false), b.localAddress()));
                fs.add(a.sendToAsync(ByteBuffer.allocate(70_000), b.localAddress())); // > 65507: EMSGSIZE
                fs.add(a.sendToAsync(text("m" + round + "-1", false), b.localAddress()));
                fs.add(a.sendToAsync(text("m" + round + "-2", false), b.localAddress()));
            }
            for (int i = 0; i < fs.size(); i++) {
                if (i % 4 == 1) {
                    CompletableFuture<Integer> big = fs.get(i);
                    var e = assertThrows(ExecutionException.class, () -> big.get(10, TimeUnit.SECONDS));
                    assertTrue(e.getCause().getMessage().contains("EMSGSIZE"), e.getCause().getMessage());
                } else {
                    assertTrue(fs.get(i).get(10, TimeUnit.SECONDS) > 0);
                }
            }
            for (int round = 0; round < 20; round++) {
                for (int k : new int[] {0, 1, 2}) {
                    ByteBuffer in = ByteBuffer.allocate(32);
                    assertEquals("m" + round + "-" + k, text(in, b.receive(in, WAIT)));
                }
            }
        }
    }

    @Test
    void receiveTimesOutAndClosingFailsWaitingReceives() throws Exception {
        MessageSocket a = MessageSocket.udp(loops.group(), loopback(false));
        long start = System.nanoTime();
        assertThrows(InterruptedByTimeoutException.class, () -> a.receive(ByteBuffer.allocate(8), Duration.ofMillis(100)));
        assertTrue(System.nanoTime() - start >= 90_000_000L, "waited the timeout");
        CompletableFuture<Received> first = a.receiveAsync(ByteBuffer.allocate(8));
        CompletableFuture<Received> second = a.receiveAsync(ByteBuffer.allocate(8));
        a.close();
        a.close();
        for (var f : List.of(first, second)) {
            var e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ClosedChannelException.class, e.getCause());
        }
        assertThrows(ClosedChannelException.class, () -> a.send(ByteBuffer.allocate(1)));
        assertFalse(a.isOpen());
    }

    @Test
    void seqpacketPairKeepsBoundariesAndOrderAndEnds() throws Exception {
        MessageSocket[] pair = MessageSocket.seqpacketPair(loops.group());
        try (MessageSocket a = pair[0]; MessageSocket b = pair[1]) {
            assertNotSame(a.loop(), b.loop(), "the two ends live on different loops");
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                ByteBuffer m = ByteBuffer.allocate(i);
                for (int j = 0; j < i; j++) m.put((byte) i);
                fs.add(a.sendAsync(m.flip()));
            }
            for (int i = 1; i <= 200; i++) {
                ByteBuffer in = ByteBuffer.allocateDirect(256);
                Received r = b.receive(in, WAIT);
                assertEquals(i, r.length(), "message " + i + " arrives whole and in order");
                assertNull(r.sender(), "a socketpair peer has no name");
                for (int j = 0; j < i; j++) assertEquals((byte) i, in.get(j));
            }
            for (int i = 0; i < fs.size(); i++) assertEquals(i + 1, fs.get(i).get(10, TimeUnit.SECONDS));
            b.send(text("back", false));
            ByteBuffer in = ByteBuffer.allocate(16);
            assertEquals("back", text(in, a.receive(in, WAIT)));
            a.close();
            assertEquals(-1, b.receive(ByteBuffer.allocate(16), WAIT).length(), "end of stream after the peer closed");
        }
    }

    @Test
    void seqpacketConnectsToAUnixListener(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("sock");
        int listener = Posix.socket(Posix.AF_UNIX, Posix.SOCK_SEQPACKET | Posix.SOCK_CLOEXEC, 0);
        int served = -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(SocketAddresses.SOCKADDR_STORAGE_BYTES);
            assertEquals(0, Posix.bind(listener, sa, SocketAddresses.writeUnix(sa, path.toString())));
            assertEquals(0, Posix.listen(listener, 4));
            try (MessageSocket c = MessageSocket.connectSeqpacket(loops.group(), UnixDomainSocketAddress.of(path), WAIT)) {
                assertEquals(UnixDomainSocketAddress.of(path), c.remoteAddress());
                served = Posix.accept(listener, MemorySegment.NULL, MemorySegment.NULL, Posix.SOCK_CLOEXEC);
                assertTrue(served >= 0);
                c.send(text("one", true));
                c.send(text("two", false));
                MemorySegment buf = arena.allocate(64);
                assertEquals(3, Posix.recv(served, buf, 64, 0), "one message per recv");
                assertEquals(3, Posix.recv(served, buf, 64, 0));
                assertEquals("two", new String(buf.asSlice(0, 3).toArray(JAVA_BYTE), StandardCharsets.UTF_8));
                MemorySegment reply = arena.allocateFrom("reply!");
                assertEquals(6, Posix.send(served, reply, 6, 0));
                ByteBuffer in = ByteBuffer.allocate(16);
                Received r = c.receive(in, WAIT);
                assertEquals("reply!", text(in, r));
                assertEquals(UnixDomainSocketAddress.of(path), r.sender(), "the listener's path names the sender");
            }
        } finally {
            if (served >= 0) Posix.close(served);
            Posix.close(listener);
        }
        assertThrows(IOException.class, () -> MessageSocket.connectSeqpacket(loops.group(), UnixDomainSocketAddress.of(dir.resolve("nobody")), WAIT));
    }

    @Test
    void optionsEqualTheSyscall() throws Exception {
        MessageSocket[] pair = MessageSocket.seqpacketPair(loops.group());
        try (MessageSocket u = MessageSocket.udp(loops.group(), loopback(true)); MessageSocket a = pair[0]; MessageSocket b = pair[1]) {
            for (MessageSocket s : new MessageSocket[] {u, a}) {
                for (var k : new SocketOptionRequests.Known[] {SocketOptionRequests.Known.SO_RCVBUF, SocketOptionRequests.Known.SO_SNDBUF}) {
                    @SuppressWarnings("unchecked")
                    var o = (java.net.SocketOption<Integer>) k.option;
                    assertEquals(SocketOptionsTest.syscallGet(s.fd, k), s.getOption(o), k + " on " + s);
                    s.setOption(o, 50_000);
                    assertEquals(SocketOptionsTest.syscallGet(s.fd, k), s.getOption(o));
                }
            }
            u.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            assertTrue(u.getOption(StandardSocketOptions.SO_REUSEPORT));
            assertEquals(1, SocketOptionsTest.syscallGet(u.fd, SocketOptionRequests.Known.SO_REUSEPORT));
            assertThrows(UnsupportedOperationException.class, () -> a.getOption(StandardSocketOptions.TCP_NODELAY));
            assertThrows(UnsupportedOperationException.class, () -> u.getOption(StandardSocketOptions.TCP_NODELAY));
        }
    }

    @Test
    void badArgumentsAreRefused() throws Exception {
        MessageSocket[] pair = MessageSocket.seqpacketPair(loops.group());
        try (MessageSocket u = MessageSocket.udp(loops.group(), loopback(false)); MessageSocket a = pair[0]; MessageSocket b = pair[1]) {
            var e = assertThrows(IllegalArgumentException.class, () -> a.send(ByteBuffer.allocate(0)));
            assertTrue(e.getMessage().contains("end of stream"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> u.sendTo(ByteBuffer.allocate(1), UnixDomainSocketAddress.of("/x")));
            assertThrows(IllegalArgumentException.class, () -> a.sendTo(ByteBuffer.allocate(1), new InetSocketAddress("127.0.0.1", 9)));
            assertThrows(IllegalArgumentException.class, () -> u.sendTo(ByteBuffer.allocate(1), InetSocketAddress.createUnresolved("x", 9)));
            assertThrows(IllegalArgumentException.class, () -> u.receive(ByteBuffer.allocate(4).asReadOnlyBuffer()));
            assertThrows(IllegalArgumentException.class, () -> u.receive(ByteBuffer.allocate(4), Duration.ZERO));
            assertThrows(IllegalStateException.class, () -> a.connect(new InetSocketAddress("127.0.0.1", 9)));
            var io = assertThrows(IOException.class, () -> u.send(ByteBuffer.allocate(1)), "no peer: EDESTADDRREQ");
            assertTrue(io.getMessage().contains("EDESTADDRREQ"), io.getMessage());
            // after all that, the sockets still work
            b.send(ByteBuffer.wrap(new byte[] {7}));
            assertEquals(1, a.receive(ByteBuffer.allocate(4), WAIT).length());
        }
    }
}
