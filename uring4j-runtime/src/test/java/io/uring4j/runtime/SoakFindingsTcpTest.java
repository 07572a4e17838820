package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * TCP breaks that {@code uring4j soak} (issue 10 item 4) found, each reduced to its smallest
 * case. The soak counted each as a known bug (tools' {@code KnownBug}) until its test here was
 * enabled by the fix.
 */
@Timeout(60)
class SoakFindingsTcpTest {
    private static InetSocketAddress loopback() throws Exception {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
    }

    /**
     * A push-mode server sends more than the socket buffers hold, so its sends wait and its
     * receive pauses at the send queue limit; then the peer resets. The waiting send fails, and
     * a send without handler that fails aborts the connection, but the receiver never hears of
     * it: TcpReceive.pushHeld delivers onEnd only while the connection is not closed. An
     * application with per-connection state (the soak's server counting live connections) can
     * never release it.
     */
    @Test
    void aReceiverHearsTheEndOfAConnectionTheRuntimeAbortedAfterAFailedSend() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1);
             Arena arena = Arena.ofShared();
             TcpServer server = TcpServer.bind(group, loopback(), 16);
             Socket client = new Socket()) {
            MemorySegment reply = arena.allocate(1 << 20);
            client.setReceiveBufferSize(16 * 1024);
            client.connect(server.localAddress(), 5000);
            TcpConnection served = server.accept(Duration.ofSeconds(5));
            served.sendQueueLimit(1 << 20);
            CompletableFuture<Exception> end = new CompletableFuture<>();
            served.receive(new TcpReceiver() {
                @Override
                public void onData(TcpConnection c, MemorySegment buffer, long offset, long length) {
                    for (int i = 0; i < 16; i++) c.send(reply); // 16 MiB: the client reads none of it
                }

                @Override
                public void onEnd(TcpConnection c, Exception error) {
                    end.complete(error);
                }
            });
            client.getOutputStream().write(1);
            Thread.sleep(500); // the sends fill the socket buffers and wait; the receive is paused
            client.setSoLinger(true, 0);
            client.close(); // a reset: the waiting send fails
            try {
                end.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("no TcpReceiver.onEnd within 10 s of the peer's reset; the connection is "
                        + (served.isOpen() ? "still open" : "closed (the runtime aborted it)"));
            }
        }
    }

    /**
     * Writes queue while a send chain is in flight and then go out as one IOSQE_IO_LINK chain of
     * up to 64 sends; on a ring whose submission queue has fewer free entries than that,
     * EventLoop.sqe() submits the entries prepared so far to make room, and the kernel runs a
     * chain cut at the end of a submission as a chain of its own. Two chains of one connection
     * then wait for the socket at once and their sends interleave: the peer gets the bytes out
     * of order (the soak saw an echo come back as 613279.. = B4 B5 B0 B6 B1 B7 B2 B8 B3 B9 in
     * 4 KiB receive buffers). An 8-entry ring makes it certain; at 1024 entries it takes a full
     * SQ, which 1000 busy connections reach.
     */
    @Test
    void writesStayInOrderWhenTheirChainIsLongerThanTheSubmissionQueue() throws Exception {
        int writes = 200, size = 8192;
        try (EventLoopGroup group = EventLoopGroup.create(1, 8);
             TcpServer server = TcpServer.bind(group, loopback(), 16);
             Socket client = new Socket()) {
            client.setReceiveBufferSize(16 * 1024);
            client.connect(server.localAddress(), 5000);
            client.setSoTimeout(10_000);
            try (TcpConnection served = server.accept(Duration.ofSeconds(5))) {
                java.util.List<CompletableFuture<Integer>> sent = new java.util.ArrayList<>();
                for (int i = 0; i < writes; i++) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size);
                    while (b.hasRemaining()) b.putInt(i);
                    sent.add(served.writeAsync(b.flip())); // queued behind the first, while the client reads nothing
                }
                Thread.sleep(200);
                java.io.DataInputStream in = new java.io.DataInputStream(client.getInputStream());
                for (long at = 0; at < (long) writes * size; at += 4) {
                    int got = in.readInt();
                    int expected = (int) (at / size);
                    if (got != expected) fail("byte " + at + " belongs to write " + got + ", expected write " + expected);
                }
                for (CompletableFuture<Integer> f : sent) assertEquals(size, f.get(10, TimeUnit.SECONDS));
            }
        }
    }

    /**
     * The same split cuts a request from its IOSQE_IO_LINK'ed LINK_TIMEOUT when the SQ fills
     * between the two (the timeout's entry was asked of sqe() after the request's; EventLoop.start
     * now takes it with linkedSqe()): the request goes without its deadline and the lone LINK_TIMEOUT fails. Here 32
     * connects, each with a 200 ms deadline, are made at once on an 8-entry ring to a listener
     * whose accept queue is full, so no connect can complete by itself: every one must fail with
     * its timeout within seconds, and one whose deadline was cut off waits for the kernel's SYN
     * retries (minutes) instead.
     */
    @Test
    void everyConnectKeepsItsDeadlineWhenTheSubmissionQueueFills() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1, 8);
             java.net.ServerSocket full = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            InetSocketAddress at = (InetSocketAddress) full.getLocalSocketAddress();
            java.util.List<Socket> fillers = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) { // the accept queue holds backlog + 1; later SYNs are dropped
                    Socket f = new Socket();
                    try {
                        f.connect(at, 300);
                        fillers.add(f);
                    } catch (java.net.SocketTimeoutException dropped) {
                        f.close();
                    }
                }
                EventLoop loop = group.loops().get(0);
                java.util.List<CompletableFuture<TcpConnection>> connects = new java.util.ArrayList<>();
                CountDownLatch go = new CountDownLatch(1);
                loop.execute(() -> {
                    try {
                        go.await(); // all 32 connects are prepared in the same loop turn
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                for (int i = 0; i < 32; i++) connects.add(TcpConnection.connectAsync(loop, at, Duration.ofMillis(200)));
                go.countDown();
                for (int i = 0; i < connects.size(); i++) {
                    try {
                        TcpConnection c = connects.get(i).get(10, TimeUnit.SECONDS);
                        c.abort();
                        fail("connect " + i + " to a full accept queue succeeded");
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertInstanceOf(java.nio.channels.InterruptedByTimeoutException.class, e.getCause(), "connect " + i);
                    } catch (TimeoutException e) {
                        fail("connect " + i + " of 32 with a 200 ms deadline is still waiting 10 s later: its linked timeout was cut off");
                    }
                }
            } finally {
                for (Socket f : fillers) f.close();
            }
        }
    }

    /**
     * The server's loop is busy while a client connects and resets, so the loop handles the
     * accept only after the reset: getpeername then fails (ENOTCONN) and TcpServer.handOver
     * gives the connection a null remote address, which code such as
     * {@code "echo-" + c.remoteAddress().getPort()} turns into a NullPointerException (the
     * soak's accept thread died of it). Since the Cleaner merge a connection found dead that way
     * is closed by the server and never handed out (TcpServerState): accept goes on waiting, and
     * returns the next, live connection with its address.
     */
    @Test
    void anAcceptedConnectionWhosePeerResetKnowsItsAddress() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1);
             TcpServer server = TcpServer.bind(group, loopback(), 16)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            group.loops().get(0).execute(() -> {
                holding.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS); // holds the loop: no CQE is handled meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(holding.await(5, TimeUnit.SECONDS), "the loop ran the holding task");
            int port;
            try (Socket client = new Socket()) {
                client.connect(server.localAddress(), 5000); // the kernel completes the handshake without the loop
                port = client.getLocalPort();
                client.setSoLinger(true, 0);
            } // a reset, while the connection waits in the accept queue
            release.countDown();
            try (Socket live = new Socket()) {
                live.connect(server.localAddress(), 5000);
                try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                    assertNotNull(c.remoteAddress(), "the remote address of " + c);
                    assertNotEquals(port, c.remoteAddress().getPort(), "accept handed out the connection its peer reset");
                    assertEquals(live.getLocalPort(), c.remoteAddress().getPort(), "the live peer's port");
                }
            }
        }
    }
}
