package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static io.uring4j.core.NetTesting.*;
import static io.uring4j.core.OpTesting.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * socket, bind, listen, connect, accept, shutdown all through the ring, direct
 * sockets, and connect bounded by a link timeout.
 */
@Timeout(30)
class SocketLifecycleTest {

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.SOCKET, Opcode.BIND, Opcode.LISTEN, Opcode.CONNECT, Opcode.ACCEPT, Opcode.SEND, Opcode.RECV, Opcode.SHUTDOWN})
    void tcpServerBuiltOnlyFromRingOperations(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            for (Opcode op : List.of(Opcode.SOCKET, Opcode.BIND, Opcode.LISTEN, Opcode.SHUTDOWN)) requires(ring, op);

            maybeAsync(ring.getSqe().prepSocket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM | SocketConstants.SOCK_CLOEXEC, 0, 0).userData(1), async);
            maybeAsync(ring.getSqe().prepSocket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM | SocketConstants.SOCK_CLOEXEC, 0, 0).userData(2), async);
            List<Completion> sockets = submitAndAwait(ring, 2);
            int server = net.track(byUserData(sockets, 1).res(), "socket op");
            int client = net.track(byUserData(sockets, 2).res(), "socket op");

            MemorySegment any = SocketAddresses.allocate(net.arena, new InetSocketAddress(V4, 0));
            maybeAsync(ring.getSqe().prepBind(server, any).userData(3), async).flag(SqeFlag.IO_LINK);
            maybeAsync(ring.getSqe().prepListen(server, 4).userData(4), async);
            for (Completion c : submitAndAwait(ring, 2)) assertEquals(0, c.res(), "bind/listen: " + c);
            InetSocketAddress bound = net.localAddress(server);
            assertNotEquals(0, bound.getPort(), "the kernel picked a port");

            MemorySegment peer = SocketAddresses.allocateStorage(net.arena);
            MemorySegment peerLen = SocketAddresses.allocateLength(net.arena, SocketAddresses.SOCKADDR_STORAGE_BYTES);
            maybeAsync(ring.getSqe().prepAccept(server, peer, peerLen, SocketConstants.SOCK_CLOEXEC).userData(5), async);
            MemorySegment target = SocketAddresses.allocate(net.arena, bound);
            maybeAsync(ring.getSqe().prepConnect(client, target, (int) target.byteSize()).userData(6), async);
            List<Completion> conn = submitAndAwait(ring, 2);
            int accepted = net.track(byUserData(conn, 5).res(), "accept");
            assertEquals(0, byUserData(conn, 6).res(), "connect: " + conn);
            assertEquals(net.localAddress(client), SocketAddresses.readInet(peer, peerLen.get(java.lang.foreign.ValueLayout.JAVA_INT, 0)));

            MemorySegment out = net.bytes("hello over the ring");
            MemorySegment in = net.arena.allocate(64);
            maybeAsync(ring.getSqe().prepRecv(accepted, in, 0).userData(8), async);
            maybeAsync(ring.getSqe().prepSend(client, out, 0).userData(7), async);
            List<Completion> io = submitAndAwait(ring, 2);
            assertEquals(out.byteSize(), byUserData(io, 7).res());
            assertEquals(out.byteSize(), byUserData(io, 8).res());
            assertEquals("hello over the ring", text(in, out.byteSize()));

            // shutdown(SHUT_WR) on the client: the server reads EOF
            maybeAsync(ring.getSqe().prepShutdown(client, NetOps.SHUT_WR).userData(9), async);
            maybeAsync(ring.getSqe().prepRecv(accepted, in, 0).userData(10), async);
            List<Completion> end = submitAndAwait(ring, 2);
            assertEquals(0, byUserData(end, 9).res(), end.toString());
            assertEquals(0, byUserData(end, 10).res(), "EOF after shutdown: " + end);
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.SOCKET, Opcode.CONNECT, Opcode.RECV})
    void directSocketsLiveInTheFileTable(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.SOCKET);
            net.registerSparseFiles(ring, 4);
            maybeAsync(ring.getSqe().prepSocketDirect(SocketConstants.AF_INET6, SocketConstants.SOCK_STREAM, 0, 1, 0).userData(1), async);
            maybeAsync(ring.getSqe().prepSocketDirectAlloc(SocketConstants.AF_INET6, SocketConstants.SOCK_STREAM, 0, 0).userData(2), async);
            List<Completion> cs = submitAndAwait(ring, 2);
            assertEquals(0, byUserData(cs, 1).res(), cs.toString());
            int allocated = byUserData(cs, 2).res();
            assertTrue(allocated >= 0 && allocated < 4 && allocated != 1, "allocated slot: " + cs);

            int listener = net.tcpListener(V6, 4);
            MemorySegment to = SocketAddresses.allocate(net.arena, net.localAddress(listener));
            maybeAsync(ring.getSqe().prepConnect(0, to).fixedFile(1).userData(3), async);
            assertEquals(0, submitOne(ring).res(), "connect through a direct socket");
            int server = net.track(Posix.accept(listener, MemorySegment.NULL, MemorySegment.NULL, 0), "accept");

            net.writeAll(server, net.bytes("direct"));
            MemorySegment in = net.arena.allocate(16);
            maybeAsync(ring.getSqe().prepRecv(0, in, 0).fixedFile(1).userData(4), async);
            Completion r = submitOne(ring);
            assertEquals(6, r.res(), r.toString());
            assertEquals("direct", text(in, 6));
        }
    }

    /**
     * A connect that cannot finish (the listener's accept queue is full, so SYNs are dropped)
     * is ended by its link timeout: both CQEs arrive, bounded, and neither hangs.
     */
    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.CONNECT, Opcode.LINK_TIMEOUT})
    void connectBoundedByLinkTimeout(boolean async) {
        try (NetTesting net = new NetTesting(); IoUring ring = IoUring.open(8)) {
            requires(ring, Opcode.CONNECT);
            int listener = net.tcpListener(V4, 0);
            InetSocketAddress at = net.localAddress(listener);
            MemorySegment to = SocketAddresses.allocate(net.arena, at);
            // fill the accept queue (backlog 0 admits one) with non-blocking connects
            for (int i = 0; i < 2; i++) {
                int fd = net.track(Posix.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM | SocketConstants.SOCK_NONBLOCK, 0), "filler");
                Posix.connect(fd, to, (int) to.byteSize());
            }
            sleep(50);
            int client = net.tcpSocket(V4);
            MemorySegment ts = KernelTimespec.allocate(net.arena, Duration.ofMillis(200));
            maybeAsync(ring.getSqe().prepConnect(client, to).userData(1), async).flag(SqeFlag.IO_LINK);
            ring.getSqe().prepLinkTimeout(ts, 0).userData(2);
            long start = System.nanoTime();
            List<Completion> cs = submitAndAwait(ring, 2);
            long ms = (System.nanoTime() - start) / 1_000_000;
            Completion connect = byUserData(cs, 1), timeout = byUserData(cs, 2);
            assertTrue(ms < 3000, "bounded by the 200 ms link timeout, took " + ms + " ms");
            if (timeout.res() == -Errno.ETIME.code()) {
                // the usual outcome: the timeout fired and canceled the connect
                assertTrue(connect.res() == -Errno.ECANCELED.code() || connect.res() == -Errno.EINTR.code(), cs.toString());
            } else {
                // the connect finished first after all: then the timeout was canceled
                assertEquals(-Errno.ECANCELED.code(), timeout.res(), cs.toString());
            }

            // the same connect with room in the queue finishes before its timeout
            net.closeNow(listener);
            int listener2 = net.tcpListener(V4, 4);
            MemorySegment to2 = SocketAddresses.allocate(net.arena, net.localAddress(listener2));
            int client2 = net.tcpSocket(V4);
            maybeAsync(ring.getSqe().prepConnect(client2, to2).userData(3), async).flag(SqeFlag.IO_LINK);
            KernelTimespec.set(ts, Duration.ofSeconds(2));
            ring.getSqe().prepLinkTimeout(ts, 0).userData(4);
            List<Completion> ok = submitAndAwait(ring, 2);
            assertEquals(0, byUserData(ok, 3).res(), ok.toString());
            assertEquals(-Errno.ECANCELED.code(), byUserData(ok, 4).res(), ok.toString());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
