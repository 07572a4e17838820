package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** Push-mode receiving ({@link TcpReceiver}) and loop-thread sends, against plain JDK sockets. */
@Timeout(60)
class TcpReceiverTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    /** Echoes from the loop; records the end and where each callback ran. */
    static final class Echo implements TcpReceiver {
        final CompletableFuture<Exception> end = new CompletableFuture<>();
        final AtomicInteger ends = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        volatile boolean offLoop;

        @Override
        public void onData(TcpConnection c, MemorySegment buffer, long offset, long length) {
            if (!c.loop.inEventLoop()) offLoop = true;
            bytes.addAndGet(length);
            c.send(buffer, offset, length);
        }

        @Override
        public void onEnd(TcpConnection c, Exception error) {
            ends.incrementAndGet();
            end.complete(error);
        }
    }

    private static InetSocketAddress any() throws Exception {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
    }

    @Test
    void echoesEveryByteInOrderFromTheLoop() throws Exception {
        byte[] sent = new byte[4 << 20];
        new Random(42).nextBytes(sent);
        Echo echo = new Echo();
        try (TcpServer server = TcpServer.bind(loops.group(), any(), 16); Socket client = new Socket()) {
            client.connect(server.localAddress(), 5000);
            client.setSoTimeout(10_000);
            try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                c.receive(echo);
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        OutputStream out = client.getOutputStream(); // closing it would close the socket
                        Random sizes = new Random(7);
                        for (int at = 0; at < sent.length; ) {
                            int n = Math.min(sent.length - at, 1 + sizes.nextInt(20_000));
                            out.write(sent, at, n);
                            at += n;
                        }
                        client.shutdownOutput();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                byte[] back = client.getInputStream().readNBytes(sent.length);
                writer.join(10_000);
                assertArrayEquals(sent, back, "the echo differs from what was sent");
                assertNull(echo.end.get(10, TimeUnit.SECONDS), "a clean end of stream has no error");
                assertEquals(1, echo.ends.get(), "onEnd runs once");
                assertEquals(sent.length, echo.bytes.get());
                assertFalse(echo.offLoop, "callbacks run on the connection's loop");
            }
        }
    }

    @Test
    void bytesThatArrivedBeforeReceiveComeFirst() throws Exception {
        try (TcpServer server = TcpServer.bind(loops.group(), any(), 16); Socket client = new Socket()) {
            client.connect(server.localAddress(), 5000);
            client.setSoTimeout(10_000);
            try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                client.getOutputStream().write("early ".getBytes());
                Thread.sleep(200); // lets the multishot receive hold the early bytes
                Echo echo = new Echo();
                c.receive(echo);
                client.getOutputStream().write("late".getBytes());
                byte[] back = client.getInputStream().readNBytes(10);
                assertEquals("early late", new String(back));
            }
        }
    }

    @Test
    void readFailsOnceAReceiverIsSetAndSendRefusesOtherThreads() throws Exception {
        try (TcpServer server = TcpServer.bind(loops.group(), any(), 16); Socket client = new Socket()) {
            client.connect(server.localAddress(), 5000);
            try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                c.receive(new Echo());
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> c.readAsync(ByteBuffer.allocate(8)).get(5, TimeUnit.SECONDS));
                assertInstanceOf(IllegalStateException.class, e.getCause());
                IllegalStateException off = assertThrows(IllegalStateException.class,
                        () -> c.send(MemorySegment.ofArray(new byte[8])));
                assertTrue(off.getMessage().contains("event loop"), off.getMessage());
            }
        }
    }

    @Test
    void sendChecksItsRangeAndSendsOnlyThatRange() throws Exception {
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        served((c, buffer, offset, length) -> {
            try {
                c.send(buffer, offset, buffer.byteSize() + 1);
            } catch (IndexOutOfBoundsException e) {
                refused.complete(e);
            }
            c.send(buffer, offset + 1, length - 2); // all but the first and the last byte
        }, (client, c) -> {
            client.getOutputStream().write("[abc]".getBytes());
            assertEquals("abc", new String(client.getInputStream().readNBytes(3)));
            assertInstanceOf(IndexOutOfBoundsException.class, refused.get(5, TimeUnit.SECONDS));
        });
    }

    /** The first send of the delivered buffer takes it over; a second one must copy, and both arrive. */
    @Test
    void sendingTheDeliveredBufferTwiceSendsItTwice() throws Exception {
        served((c, buffer, offset, length) -> {
            c.send(buffer, offset, length);
            c.send(buffer, offset, length);
        }, (client, c) -> {
            for (int i = 0; i < 100; i++) {
                byte[] msg = ("message " + i + ";").getBytes();
                client.getOutputStream().write(msg);
                byte[] back = client.getInputStream().readNBytes(2 * msg.length);
                assertEquals(new String(msg) + new String(msg), new String(back), "round " + i);
            }
        });
    }

    /**
     * A send of part of the delivered buffer (from an offset) takes the buffer over and sends
     * exactly that part; after three times as many messages as the loop has receive buffers,
     * every taken-over buffer must have gone back to the kernel, or receiving would stall.
     */
    @Test
    void takenOverBuffersSendTheirRangeAndReturnToTheKernel() throws Exception {
        served((c, buffer, offset, length) -> c.send(buffer, offset + 1, length - 1), // drop the first byte
                (client, c) -> {
                    for (int i = 0; i < 3 * RecvBuffers.COUNT; i++) {
                        byte[] msg = ("#message " + i).getBytes();
                        client.getOutputStream().write(msg);
                        byte[] back = client.getInputStream().readNBytes(msg.length - 1);
                        assertEquals("message " + i, new String(back), "round " + i);
                    }
                    assertEquals(RecvBuffers.COUNT, waitForFreeReceiveBuffers(c.loop, RecvBuffers.COUNT),
                            "receive buffers back in the kernel's ring after every send ended");
                });
    }

    /** What a test's receiver does with each delivery (its end is ignored). */
    @FunctionalInterface
    interface OnData {
        void onData(TcpConnection c, MemorySegment buffer, long offset, long length);
    }

    /** The client side of a test, talking to the accepted connection {@code c}. */
    @FunctionalInterface
    interface Talk {
        void talk(Socket client, TcpConnection c) throws Exception;
    }

    /** Accepts one JDK client (no Nagle delay, 10 s read timeout), sets {@code onData} as its receiver, runs {@code talk}. */
    private static void served(OnData onData, Talk talk) throws Exception {
        TcpReceiver r = new TcpReceiver() {
            @Override
            public void onData(TcpConnection c, MemorySegment buffer, long offset, long length) {
                onData.onData(c, buffer, offset, length);
            }

            @Override
            public void onEnd(TcpConnection c, Exception error) {
            }
        };
        try (TcpServer server = TcpServer.bind(loops.group(), any(), 16); Socket client = new Socket()) {
            client.connect(server.localAddress(), 5000);
            client.setSoTimeout(10_000);
            client.setTcpNoDelay(true);
            try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                c.receive(r);
                talk.talk(client, c);
            }
        }
    }

    /** Polls (on the loop) the count of receive buffers in the kernel's ring until it is {@code want} or 5 s pass. */
    private static int waitForFreeReceiveBuffers(EventLoop loop, int want) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int n;
        do {
            n = loop.<Integer>submit(f -> f.complete(loop.recvBuffers().available())).get(5, TimeUnit.SECONDS);
            if (n == want) return n;
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return n;
    }

    @Test
    void aReceiverThatThrowsClosesTheConnection() throws Exception {
        CountDownLatch called = new CountDownLatch(1);
        TcpReceiver failing = new TcpReceiver() {
            @Override
            public void onData(TcpConnection c, MemorySegment buffer, long offset, long length) {
                called.countDown();
                throw new IllegalStateException("receiver bug (expected by the test)");
            }

            @Override
            public void onEnd(TcpConnection c, Exception error) {
            }
        };
        try (TcpServer server = TcpServer.bind(loops.group(), any(), 16); Socket client = new Socket()) {
            client.connect(server.localAddress(), 5000);
            client.setSoTimeout(10_000);
            try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                c.receive(failing);
                client.getOutputStream().write(new byte[] {1, 2, 3});
                assertTrue(called.await(5, TimeUnit.SECONDS));
                // The connection is aborted: the peer sees a reset (or, if it came first, the end of stream).
                try {
                    assertEquals(-1, client.getInputStream().read(), "the server side closed the connection");
                } catch (java.net.SocketException reset) {
                    assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (c.isOpen() && System.nanoTime() < deadline) Thread.sleep(10);
                assertFalse(c.isOpen());
            }
        }
    }

    /**
     * More bytes wait than the loop has receive buffers (200 × 48 KiB against 1024 × 4 KiB), so
     * receives end with -ENOBUFS; every starved connection must be re-armed and get all its bytes.
     */
    @Test
    void connectionsThatRanOutOfReceiveBuffersGetAllTheirBytes() throws Exception {
        int n = 200, each = 48 * 1024;
        assertTrue((long) n * each > (long) RecvBuffers.COUNT * RecvBuffers.SIZE, "the test must exhaust the buffers");
        try (TcpServer server = TcpServer.bind(loops.group(), any(), 256)) {
            Socket[] clients = new Socket[n];
            TcpConnection[] served = new TcpConnection[n];
            AtomicLong[] got = new AtomicLong[n];
            CountDownLatch complete = new CountDownLatch(n);
            try {
                for (int i = 0; i < n; i++) {
                    clients[i] = new Socket();
                    clients[i].connect(server.localAddress(), 5000);
                    served[i] = server.accept(Duration.ofSeconds(5));
                    clients[i].getOutputStream().write(new byte[each]);
                }
                for (int i = 0; i < n; i++) {
                    AtomicLong count = got[i] = new AtomicLong();
                    served[i].receive(new TcpReceiver() {
                        @Override
                        public void onData(TcpConnection c, MemorySegment buffer, long offset, long length) {
                            if (count.addAndGet(length) == each) complete.countDown();
                        }

                        @Override
                        public void onEnd(TcpConnection c, Exception error) {
                        }
                    });
                }
                assertTrue(complete.await(20, TimeUnit.SECONDS), () -> "connections still short of their bytes: "
                        + java.util.stream.IntStream.range(0, n).filter(i -> got[i].get() != each).count());
            } finally {
                for (Socket s : clients) if (s != null) s.close();
                for (TcpConnection c : served) if (c != null) c.close();
            }
        }
    }

    @Test
    void manySmallConnectionsEchoAndEnd() throws Exception {
        try (TcpServer server = TcpServer.bind(loops.group(), any(), 256)) {
            Socket[] clients = new Socket[200];
            Echo[] echoes = new Echo[clients.length];
            TcpConnection[] served = new TcpConnection[clients.length];
            try {
                for (int i = 0; i < clients.length; i++) {
                    clients[i] = new Socket();
                    clients[i].connect(server.localAddress(), 5000);
                    clients[i].setSoTimeout(10_000);
                    served[i] = server.accept(Duration.ofSeconds(5));
                    served[i].receive(echoes[i] = new Echo());
                }
                for (int round = 0; round < 5; round++) {
                    for (int i = 0; i < clients.length; i++) {
                        byte[] msg = new byte[64];
                        Arrays.fill(msg, (byte) (i + round));
                        clients[i].getOutputStream().write(msg);
                    }
                    for (int i = 0; i < clients.length; i++) {
                        byte[] back = clients[i].getInputStream().readNBytes(64);
                        byte[] want = new byte[64];
                        Arrays.fill(want, (byte) (i + round));
                        assertArrayEquals(want, back, "connection " + i + " round " + round);
                    }
                }
                for (int i = 0; i < clients.length; i++) clients[i].shutdownOutput();
                for (Echo e : echoes) assertNull(e.end.get(10, TimeUnit.SECONDS));
            } finally {
                for (Socket s : clients) if (s != null) s.close();
                for (TcpConnection c : served) if (c != null) c.close();
            }
        }
    }
}
