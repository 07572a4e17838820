package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(120)
class TcpTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(2);

    private static InetSocketAddress loopback(boolean v6) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(v6 ? "::1" : "127.0.0.1"), 0);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void acceptedConnectionsCarryThePeerAddress(boolean v6) throws Exception {
        try (TcpServer server = TcpServer.bind(loops.group(), loopback(v6), 128)) {
            for (int i = 0; i < 20; i++) {
                try (Socket client = new Socket()) {
                    client.bind(new InetSocketAddress(server.localAddress().getAddress(), 0));
                    client.connect(server.localAddress(), 5000);
                    try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                        assertEquals(client.getLocalPort(), c.remoteAddress().getPort(), "peer port");
                        assertEquals(client.getLocalAddress(), c.remoteAddress().getAddress(), "peer address");
                    }
                }
            }
        }
    }

    @Test
    void echoThroughTheRuntimeOnBothSides() throws Exception {
        try (TcpServer server = TcpServer.bind(loops.group(), loopback(false), 128);
             TcpConnection client = TcpConnection.connect(loops.group(), server.localAddress(), Duration.ofSeconds(5));
             TcpConnection served = server.accept(Duration.ofSeconds(5))) {
            byte[] msg = "hello, io_uring".getBytes();
            client.write(ByteBuffer.wrap(msg));
            ByteBuffer in = ByteBuffer.allocate(64);
            while (in.position() < msg.length) assertTrue(served.read(in) > 0);
            served.write(in.flip());
            ByteBuffer back = ByteBuffer.allocate(64);
            while (back.position() < msg.length) assertTrue(client.read(back) > 0);
            assertArrayEquals(msg, java.util.Arrays.copyOf(back.array(), msg.length));
        }
    }

    /** Field report 3: many senders on many threads; bytes arrive complete and in per-sender order. */
    @Test
    void orderedSendsFromManyThreadsArriveIntact() throws Exception {
        int threads = 4, perThread = 2500;
        try (TcpServer server = TcpServer.bind(loops.group(), loopback(false), 128);
             Socket peer = new Socket()) {
            peer.connect(server.localAddress(), 5000);
            try (TcpConnection c = server.accept(Duration.ofSeconds(5));
                 ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor()) {
                // Each message: [thread u8][seq u32][len u16][payload]; payload is derived from (thread, seq).
                List<Future<?>> senders = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int tid = t;
                    senders.add(exec.submit(() -> {
                        Random r = new Random(tid);
                        List<CompletableFuture<Integer>> fs = new ArrayList<>();
                        for (int seq = 0; seq < perThread; seq++) {
                            int len = r.nextInt(2000);
                            ByteBuffer m = ByteBuffer.allocate(7 + len);
                            m.put((byte) tid).putInt(seq).putShort((short) len);
                            for (int i = 0; i < len; i++) m.put((byte) (tid * 31 + seq + i));
                            fs.add(c.writeAsync(m.flip()));
                        }
                        for (var f : fs) f.get(60, TimeUnit.SECONDS);
                        return null;
                    }));
                }
                InputStream in = peer.getInputStream();
                int[] next = new int[threads];
                java.io.DataInputStream din = new java.io.DataInputStream(new java.io.BufferedInputStream(in));
                for (int n = 0; n < threads * perThread; n++) {
                    int tid = din.readUnsignedByte();
                    int seq = din.readInt();
                    int len = din.readUnsignedShort();
                    assertEquals(next[tid], seq, "messages of sender " + tid + " arrive in order");
                    next[tid]++;
                    for (int i = 0; i < len; i++) {
                        assertEquals((byte) (tid * 31 + seq + i), din.readByte(), "payload byte " + i);
                    }
                }
                for (Future<?> f : senders) f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void slowReaderGetsEverythingDespiteBackpressure() throws Exception {
        byte[] data = new byte[8 << 20];
        new Random(3).nextBytes(data);
        CRC32 want = new CRC32();
        want.update(data);
        try (TcpServer server = TcpServer.bind(loops.group(), loopback(false), 16);
             Socket peer = new Socket()) {
            peer.connect(server.localAddress(), 5000);
            try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                Thread writer = Thread.ofVirtual().start(() -> {
                    try (OutputStream out = peer.getOutputStream()) {
                        out.write(data);
                        peer.shutdownOutput();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(200); // let the kernel fill every buffer this connection may hold
                CRC32 got = new CRC32();
                ByteBuffer b = ByteBuffer.allocate(1000);
                long total = 0;
                int n;
                while ((n = c.read(b.clear())) >= 0) {
                    got.update(b.array(), 0, n);
                    total += n;
                }
                writer.join(10_000);
                assertEquals(data.length, total);
                assertEquals(want.getValue(), got.getValue());
            }
        }
    }

    @Test
    void connectToAClosedPortFailsAndTimeoutsFire() throws Exception {
        InetSocketAddress nobody;
        try (TcpServer s = TcpServer.bind(loops.group(), loopback(false), 1)) {
            nobody = s.localAddress();
        }
        var e = assertThrows(java.io.IOException.class, () -> TcpConnection.connect(loops.group(), nobody, Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("ECONNREFUSED"), e.getMessage());
        try (TcpServer server = TcpServer.bind(loops.group(), loopback(false), 1)) {
            assertThrows(InterruptedByTimeoutException.class, () -> server.accept(Duration.ofMillis(100)));
        }
    }

    @Test
    void closedConnectionRefusesUse() throws Exception {
        try (TcpServer server = TcpServer.bind(loops.group(), loopback(false), 8)) {
            TcpConnection client = TcpConnection.connect(loops.group(), server.localAddress(), Duration.ofSeconds(5));
            CompletableFuture<Integer> pendingRead = client.readAsync(ByteBuffer.allocate(10));
            client.close();
            client.close();
            assertThrows(Exception.class, () -> pendingRead.get(5, TimeUnit.SECONDS));
            assertThrows(ClosedChannelException.class, () -> client.write(ByteBuffer.allocate(1)));
        }
    }

    /** Field report 3: close + accept churn leaks neither fds nor native memory. */
    @Test
    void closeAcceptChurnLeaksNothing() throws Exception {
        try (TcpServer server = TcpServer.bind(loops.group(), loopback(false), 256)) {
            churn(server, 200); // warm: pools grow to their working size
            int fds = new java.io.File("/proc/self/fd").list().length;
            long bytes = EventLoopGroup.nativeBytes();
            churn(server, 2000);
            assertEquals(fds, new java.io.File("/proc/self/fd").list().length, "fds");
            assertEquals(bytes, EventLoopGroup.nativeBytes(), "native bytes");
        }
    }

    private static void churn(TcpServer server, int cycles) throws Exception {
        for (int i = 0; i < cycles; i++) {
            try (Socket s = new Socket()) {
                s.connect(server.localAddress(), 5000);
                s.getOutputStream().write(i);
                TcpConnection c = server.accept(Duration.ofSeconds(5));
                ByteBuffer b = ByteBuffer.allocate(4);
                assertEquals(1, c.read(b));
                c.close();
            }
        }
    }

    /** Regression: the first receive of a fresh loop must not reach the kernel before its buffer group. */
    @Test
    void firstReceiveOnAFreshLoopGetsData() throws Exception {
        try (EventLoopGroup fresh = EventLoopGroup.create(1);
             TcpServer server = TcpServer.bind(fresh, loopback(false), 8);
             Socket client = new Socket()) {
            client.connect(server.localAddress(), 5000);
            try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                ByteBuffer b = ByteBuffer.allocate(8);
                CompletableFuture<Integer> read = c.readAsync(b); // waiting before any data: the
                Thread.sleep(50);                                  // kernel selects a buffer only
                client.getOutputStream().write(new byte[] {1, 2, 3}); // when the bytes arrive
                assertEquals(3, read.get(5, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aReadCanCarryADeadline() throws Exception {
        try (TcpServer server = TcpServer.bind(loops.group(), loopback(false), 8);
             Socket client = new Socket()) {
            client.connect(server.localAddress(), 5000);
            try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                long start = System.nanoTime();
                assertThrows(InterruptedByTimeoutException.class, () -> c.read(ByteBuffer.allocate(8), Duration.ofMillis(100)));
                assertTrue((System.nanoTime() - start) / 1_000_000 >= 90, "waited the deadline");
                client.getOutputStream().write(new byte[] {9});
                assertEquals(1, c.read(ByteBuffer.allocate(8), Duration.ofSeconds(5)), "the next read gets the byte");
            }
        }
    }
}
