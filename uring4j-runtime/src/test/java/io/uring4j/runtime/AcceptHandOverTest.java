package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 item 5: an accept that timed out or was cancelled gives up its place, so the next
 * connection goes to the next accept, and a connection is never handed to nobody (its fd would
 * stay open until the group closes). Item 10: an accepted connection always carries its peer's
 * address; one whose peer reset it before the hand-over is dead and is closed, not handed over.
 */
@Timeout(60)
class AcceptHandOverTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(2);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static TcpServer bind() throws Exception {
        return TcpServer.bind(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    }

    private static String fdList() {
        StringBuilder b = new StringBuilder();
        for (File f : new File("/proc/self/fd").listFiles()) {
            try {
                b.append(f.getName()).append("->").append(java.nio.file.Files.readSymbolicLink(f.toPath())).append(' ');
            } catch (Exception e) {
                b.append(f.getName()).append("->? ");
            }
        }
        return b.toString();
    }

    private static int openFds() {
        return new File("/proc/self/fd").list().length;
    }

    /** The accepted connection talks to {@code client}: a byte each way. */
    private static void assertTalks(TcpConnection served, Socket client) throws Exception {
        assertNotNull(served.remoteAddress(), "an accepted connection carries its peer's address");
        assertEquals(client.getLocalPort(), served.remoteAddress().getPort(), "the peer is this client");
        client.getOutputStream().write(42);
        ByteBuffer in = ByteBuffer.allocate(1);
        assertEquals(1, served.readAsync(in).get(5, TimeUnit.SECONDS));
        assertEquals(42, in.get(0));
        served.write(ByteBuffer.wrap(new byte[] {7}));
        InputStream back = client.getInputStream();
        assertEquals(7, back.read());
    }

    @Test
    void aTimedOutAcceptDoesNotTakeTheNextConnection() throws Exception {
        try (TcpServer server = bind()) {
            int fds = openFds();
            long start = System.nanoTime();
            assertThrows(InterruptedByTimeoutException.class, () -> server.accept(Duration.ofMillis(100)));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 90 && ms < 2000, "the accept waited its 100 ms: " + ms + " ms");
            try (Socket client = new Socket()) {
                client.connect(server.localAddress(), 5000);
                try (TcpConnection served = server.accept(WAIT)) {
                    assertTalks(served, client);
                }
            }
            assertFdsReturnTo(fds);
        }
    }

    @Test
    void aCancelledAcceptAsyncDoesNotTakeTheNextConnection() throws Exception {
        try (TcpServer server = bind()) {
            CompletableFuture<TcpConnection> first = server.acceptAsync();
            CompletableFuture<TcpConnection> second = server.acceptAsync();
            Thread.sleep(20); // both wait on the loop now
            assertTrue(first.cancel(true));
            CompletableFuture<TcpConnection> third = server.acceptAsync();
            assertTrue(third.cancel(true), "cancelled before its task ran on the loop");
            try (Socket client = new Socket()) {
                client.connect(server.localAddress(), 5000);
                try (TcpConnection served = second.get(5, TimeUnit.SECONDS)) {
                    assertTalks(served, client);
                }
            }
            try (Socket client = new Socket()) {
                client.connect(server.localAddress(), 5000);
                try (TcpConnection served = server.accept(WAIT)) {
                    assertTalks(served, client);
                }
            }
        }
    }

    /**
     * Timeouts that fire while the loop hands a connection over: the caller's timeout and the
     * loop's hand-over race on the future, and whichever wins, the connection reaches someone.
     * Each client writes its round number; every round's connection is accepted exactly once.
     */
    @Test
    void racingTimeoutsNeverLoseAConnection() throws Exception {
        int rounds = 300;
        try (TcpServer server = bind()) {
            int fds = openFds();
            int timeouts = 0;
            for (int round = 0; round < rounds; round++) {
                try (Socket client = new Socket()) {
                    CountDownLatch go = new CountDownLatch(1);
                    int r = round;
                    Thread connector = Thread.ofVirtual().start(() -> {
                        try {
                            go.await();
                            if (ThreadLocalRandom.current().nextBoolean()) Thread.sleep(0, ThreadLocalRandom.current().nextInt(500_000));
                            client.connect(server.localAddress(), 5000);
                            client.getOutputStream().write(r & 0xFF);
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    go.countDown();
                    TcpConnection served = null;
                    try {
                        served = server.accept(Duration.ofNanos(ThreadLocalRandom.current().nextLong(50_000, 1_000_000)));
                    } catch (InterruptedByTimeoutException e) {
                        timeouts++;
                    }
                    if (served == null) served = server.accept(WAIT); // the connection waits for the next accept
                    try (TcpConnection c = served) {
                        assertTrue(connector.join(WAIT));
                        ByteBuffer b = ByteBuffer.allocate(1);
                        assertEquals(1, c.readAsync(b).get(5, TimeUnit.SECONDS));
                        assertEquals((byte) round, b.get(0), "round " + round + " accepts its own client");
                    }
                }
            }
            assertThrows(InterruptedByTimeoutException.class, () -> server.accept(Duration.ofMillis(50)),
                    "no connection is left over");
            assertTrue(timeouts > 0, "some accepts timed out: " + timeouts);
            assertFdsReturnTo(fds);
        }
    }

    /**
     * A peer that connects and resets (SO_LINGER 0, close) before the loop takes the connection
     * off the listen queue: getpeername fails on what accept returns. The loop is held in a task
     * meanwhile, so with DEFER_TASKRUN the kernel accepts only after the reset arrived.
     */
    @Test
    void aConnectionResetBeforeTheHandOverIsClosedNotHandedOverWithoutAnAddress() throws Exception {
        try (TcpServer server = bind()) {
            try (Socket client = new Socket()) { // the JDK opens a socket of its own on first use: not ours
                client.connect(server.localAddress(), 5000);
                server.accept(WAIT).close();
            }
            int fds = openFds();
            EventLoop serverLoop = server.loop();
            for (int i = 0; i < 5; i++) {
                CountDownLatch held = new CountDownLatch(1), release = new CountDownLatch(1);
                serverLoop.execute(() -> {
                    held.countDown();
                    try {
                        release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                assertTrue(held.await(5, TimeUnit.SECONDS));
                try (Socket resetter = new Socket()) {
                    resetter.connect(server.localAddress(), 5000);
                    resetter.setSoLinger(true, 0);
                } // RST
                Thread.sleep(20);
                release.countDown();
            }
            try {
                TcpConnection c = server.accept(Duration.ofMillis(300));
                c.close();
                fail("a reset connection was handed over, remote address " + c.remoteAddress());
            } catch (InterruptedByTimeoutException expected) {
                // the dead connections were closed, not handed over
            }
            try (Socket client = new Socket()) {
                client.connect(server.localAddress(), 5000);
                try (TcpConnection served = server.accept(WAIT)) {
                    assertTalks(served, client);
                }
            }
            assertFdsReturnTo(fds);
        }
    }

    /** Closes are asynchronous on the loops: the count settles within a moment. */
    private static void assertFdsReturnTo(int fds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (openFds() > fds && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(fds, openFds(), () -> "open fds: " + fdList());
    }
}
