package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 item 9, the other side: what the Cleaner must never reclaim although its user holds
 * no reference to it. An object with a request of its user in flight (a read or write whose
 * future alone is held, a blocking read on another thread, a waiting accept, a file read with a
 * handler, a receive) stays open and its request completes; so does a push-mode connection while
 * its receiver serves it. Each test also drops a control object in the same window and sees it
 * reclaimed, so a GC did run (a Cleaner that never ran would pass the rest vacuously).
 */
@Timeout(60)
class AbandonedObjectsKeptTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    /** GC rounds each test makes while the kept object must stay. */
    private static final int ROUNDS = 5;

    /** What the fd number names in this process ({@code socket:[inode]}), or null once it is closed. */
    static String fdTarget(int fd) throws Exception {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (NoSuchFileException closed) {
            return null;
        }
    }

    /** An fd and what it named when it was open. */
    record Fd(int fd, String target) {
        static Fd of(int fd) throws Exception {
            return new Fd(fd, fdTarget(fd));
        }

        boolean open() throws Exception {
            return target.equals(fdTarget(fd));
        }
    }

    /** Makes a few GCs (with time for the Cleaner) and checks {@code kept} is open after each. */
    static void gcRounds(Fd kept) throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            System.gc();
            Thread.sleep(100);
            assertTrue(kept.open(), "fd " + kept + " still open after " + (i + 1) + " GC(s)");
        }
    }

    /** Waits (with GCs) until {@code dropped} was reclaimed: proof that the Cleaner ran meanwhile. */
    static void awaitReclaimed(Fd dropped) throws Exception {
        boolean closed = AbandonedObjectsTest.afterGc(() -> {
            try {
                return !dropped.open();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(closed, "the control object (fd " + dropped + ") was reclaimed");
    }

    private static TcpServer server() throws Exception {
        return TcpServer.bind(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    }

    /** A connection accepted from a fresh JDK client, dropped at once: the control. */
    private static Fd droppedConnection(TcpServer server, List<Socket> clients) throws Exception {
        Socket s = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        clients.add(s);
        return Fd.of(server.accept(Duration.ofSeconds(5)).fd);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    // ------------------------------------------------------------------ connections

    private static final TcpReceiver ECHO_NO_CLOSE = new TcpReceiver() {
        @Override
        public void onData(TcpConnection connection, MemorySegment buffer, long offset, long length) {
            connection.send(buffer, offset, length);
        }

        @Override
        public void onEnd(TcpConnection connection, Exception error) {
            // forgets the connection: after its end, the Cleaner closes it
        }
    };

    /** Accepts, sets the receiver and forgets the connection (only its fd is kept). */
    private static Fd acceptAndForget(TcpServer server) throws Exception {
        TcpConnection c = server.accept(Duration.ofSeconds(5));
        c.receive(ECHO_NO_CLOSE);
        return Fd.of(c.fd);
    }

    @Test
    void aPushModeConnectionKeepsEchoingUntilItsEndAndIsThenReclaimed() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (TcpServer server = server(); Socket client = new Socket()) {
            client.connect(server.localAddress(), 5000);
            client.setSoTimeout(10_000);
            Fd served = acceptAndForget(server);
            Fd control = droppedConnection(server, clients);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            for (int i = 0; i < ROUNDS; i++) {
                System.gc();
                Thread.sleep(100);
                byte[] msg = random(1000, i);
                out.write(msg);
                assertArrayEquals(msg, in.readNBytes(msg.length), "echo after " + (i + 1) + " GC(s)");
            }
            awaitReclaimed(control);
            assertTrue(served.open(), "the receiver's connection is kept while it serves");
            client.shutdownOutput(); // its end is delivered; the receiver forgets it without closing
            awaitReclaimed(served);
            assertEquals(-1, in.read(), "reclaimed with a clean close: the client sees the end of stream");
        } finally {
            for (Socket s : clients) s.close();
        }
    }

    private static CompletableFuture<Integer> readOnly(TcpServer server, ByteBuffer dst, AtomicReference<Fd> fd) throws Exception {
        TcpConnection c = server.accept(Duration.ofSeconds(5));
        fd.set(Fd.of(c.fd));
        return c.readAsync(dst);
    }

    @Test
    void aReadWhoseFutureAloneIsHeldIsNotCut() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (TcpServer server = server(); Socket client = new Socket()) {
            client.connect(server.localAddress(), 5000);
            AtomicReference<Fd> fd = new AtomicReference<>();
            ByteBuffer dst = ByteBuffer.allocate(16);
            CompletableFuture<Integer> read = readOnly(server, dst, fd);
            Fd control = droppedConnection(server, clients);
            gcRounds(fd.get());
            awaitReclaimed(control);
            assertFalse(read.isDone(), "the read still waits");
            client.getOutputStream().write("hello".getBytes());
            assertEquals(5, read.get(5, TimeUnit.SECONDS));
            assertEquals("hello", new String(dst.array(), 0, 5));
        } finally {
            for (Socket s : clients) s.close();
        }
    }

    @Test
    void aBlockingReadOnAnotherThreadIsNotCut() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (TcpServer server = server(); Socket client = new Socket()) {
            client.connect(server.localAddress(), 5000);
            AtomicReference<TcpConnection> handOver = new AtomicReference<>(server.accept(Duration.ofSeconds(5)));
            Fd fd = Fd.of(handOver.get().fd);
            CompletableFuture<Integer> result = new CompletableFuture<>();
            ByteBuffer dst = ByteBuffer.allocate(16);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    result.complete(handOver.getAndSet(null).read(dst)); // the connection is only the call's receiver
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
            while (handOver.get() != null) Thread.sleep(1);
            Fd control = droppedConnection(server, clients);
            gcRounds(fd);
            awaitReclaimed(control);
            client.getOutputStream().write("abc".getBytes());
            assertEquals(3, result.get(5, TimeUnit.SECONDS));
            reader.join(5000);
        } finally {
            for (Socket s : clients) s.close();
        }
    }

    private static List<CompletableFuture<Integer>> writeOnly(TcpServer server, byte[] data, AtomicReference<Fd> fd) throws Exception {
        TcpConnection c = server.accept(Duration.ofSeconds(5));
        c.closeTimeout(Duration.ofMillis(100)); // a close now would cut the writes within 100 ms
        fd.set(Fd.of(c.fd));
        List<CompletableFuture<Integer>> writes = new ArrayList<>();
        for (int at = 0; at < data.length; at += 1 << 20) writes.add(c.writeAsync(ByteBuffer.wrap(data, at, 1 << 20)));
        return writes;
    }

    @Test
    void writesWhoseFuturesAloneAreHeldAreNotCut() throws Exception {
        List<Socket> clients = new ArrayList<>();
        byte[] data = random(12 << 20, 7); // beyond the send queue limit and the socket buffers: writes wait
        try (TcpServer server = server(); Socket client = new Socket()) {
            client.setReceiveBufferSize(64 << 10);
            client.connect(server.localAddress(), 5000);
            client.setSoTimeout(10_000);
            AtomicReference<Fd> fd = new AtomicReference<>();
            List<CompletableFuture<Integer>> writes = writeOnly(server, data, fd);
            Fd control = droppedConnection(server, clients);
            gcRounds(fd.get());
            awaitReclaimed(control);
            assertFalse(writes.getLast().isDone(), "the last write still waits for the peer");
            assertArrayEquals(data, client.getInputStream().readNBytes(data.length), "every byte, in order");
            for (CompletableFuture<Integer> w : writes) assertEquals(1 << 20, w.get(5, TimeUnit.SECONDS));
        } finally {
            for (Socket s : clients) s.close();
        }
    }

    // ------------------------------------------------------------------ servers, files, message sockets

    private static CompletableFuture<TcpConnection> acceptOnly(AtomicReference<InetSocketAddress> at) throws Exception {
        TcpServer s = server();
        at.set(s.localAddress());
        return s.acceptAsync();
    }

    @Test
    void aServerWithAWaitingAcceptIsKept() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (TcpServer controlServer = server()) {
            AtomicReference<InetSocketAddress> at = new AtomicReference<>();
            CompletableFuture<TcpConnection> accept = acceptOnly(at);
            Fd control = droppedConnection(controlServer, clients);
            for (int i = 0; i < ROUNDS; i++) {
                System.gc();
                Thread.sleep(100);
                assertFalse(accept.isDone(), "the accept still waits after " + (i + 1) + " GC(s)");
            }
            awaitReclaimed(control);
            try (Socket client = new Socket(at.get().getAddress(), at.get().getPort())) {
                try (TcpConnection c = accept.get(5, TimeUnit.SECONDS)) {
                    assertEquals(client.getLocalPort(), c.remoteAddress().getPort());
                }
            }
        } finally {
            for (Socket s : clients) s.close();
        }
    }

    private static Fd readFifoWithHandler(Path fifo, CompletableFuture<String> got) throws Exception {
        AsyncFile f = AsyncFile.open(loops.group(), fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ByteBuffer dst = ByteBuffer.allocateDirect(16);
        f.read(dst, 0, null, new CompletionHandler<Integer, Object>() {
            @Override
            public void completed(Integer n, Object attachment) {
                byte[] b = new byte[n];
                dst.flip().get(b);
                got.complete(new String(b));
            }

            @Override
            public void failed(Throwable exc, Object attachment) {
                got.completeExceptionally(exc);
            }
        });
        return Fd.of(f.fd());
    }

    private static Fd droppedFile(Path p) throws Exception {
        return Fd.of(AsyncFile.open(loops.group(), p).fd());
    }

    @Test
    void aFileWithAHandlerReadInFlightIsKeptUntilItCompletes(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Path plain = dir.resolve("plain");
        Files.write(plain, new byte[] {1});
        CompletableFuture<String> got = new CompletableFuture<>();
        Fd file = readFifoWithHandler(fifo, got);
        Fd control = droppedFile(plain);
        gcRounds(file);
        awaitReclaimed(control);
        assertFalse(got.isDone());
        try (OutputStream w = Files.newOutputStream(fifo)) {
            w.write("x".getBytes());
        }
        assertEquals("x", got.get(5, TimeUnit.SECONDS));
        awaitReclaimed(file); // nothing in flight any more: now it goes
    }

    private static CompletableFuture<MessageSocket.Received> receiveOnly(ByteBuffer dst, AtomicReference<InetSocketAddress> at)
            throws Exception {
        MessageSocket s = MessageSocket.udp(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        at.set((InetSocketAddress) s.localAddress());
        return s.receiveAsync(dst);
    }

    private static Fd droppedUdp() throws Exception {
        return Fd.of(MessageSocket.udp(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).fd);
    }

    @Test
    void aMessageSocketWithAReceiveInFlightIsKept() throws Exception {
        AtomicReference<InetSocketAddress> at = new AtomicReference<>();
        ByteBuffer dst = ByteBuffer.allocate(32);
        CompletableFuture<MessageSocket.Received> received = receiveOnly(dst, at);
        Fd control = droppedUdp();
        for (int i = 0; i < ROUNDS; i++) {
            System.gc();
            Thread.sleep(100);
            assertFalse(received.isDone(), "the receive still waits after " + (i + 1) + " GC(s)");
        }
        awaitReclaimed(control);
        try (DatagramSocket d = new DatagramSocket()) {
            byte[] msg = "datagram".getBytes();
            d.send(new DatagramPacket(msg, msg.length, at.get()));
        }
        assertEquals(8, received.get(5, TimeUnit.SECONDS).length());
        assertArrayEquals("datagram".getBytes(), Arrays.copyOf(dst.array(), 8));
    }
}
