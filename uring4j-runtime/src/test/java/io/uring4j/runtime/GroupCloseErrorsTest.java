package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 9 item 10: requests ended by their group's close report
 * {@link AsynchronousCloseException}, as NIO.2 does, whatever kind they are and whether or not
 * they carry a deadline (the loop's cancel ends a request with a linked timeout the same way its
 * timeout would: that used to read as InterruptedByTimeoutException though no deadline had
 * passed); and a write cut short by the close fails with a closed-channel exception, never an
 * unchecked CancellationException.
 */
@Timeout(60)
class GroupCloseErrorsTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private static Throwable failureOf(Future<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void requestsWithDeadlinesEndedByTheGroupsCloseAreAsynchronouslyClosed(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor(), "mkfifo");
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // A listener that never accepts, its backlog filled: a further SYN is dropped, so a connect waits.
            List<Socket> fillers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket();
                try {
                    s.connect(full.getLocalSocketAddress(), 200);
                    fillers.add(s);
                } catch (java.net.SocketTimeoutException queueFull) {
                    s.close();
                    break;
                }
            }
            EventLoopGroup group = EventLoopGroup.create(2);
            List<CompletableFuture<?>> pending = new ArrayList<>();
            List<String> kinds = new ArrayList<>();
            // a file read with a deadline (a FIFO opened read-write: the read waits for data)
            AsyncFile f = AsyncFile.open(group, fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
            pending.add(f.readAsync(ByteBuffer.allocate(16), 0, LONG));
            kinds.add("file read");
            // a message receive with a deadline
            MessageSocket udp = MessageSocket.udp(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            pending.add(udp.receiveAsync(ByteBuffer.allocate(16), LONG));
            kinds.add("receive");
            // an accept
            TcpServer server = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            pending.add(server.acceptAsync());
            kinds.add("accept");
            // a connect with a deadline, to the full listener
            CompletableFuture<TcpConnection> connect = TcpConnection.connectAsync(group.next(),
                    (InetSocketAddress) full.getLocalSocketAddress(), LONG);
            Thread.sleep(200);
            boolean connectPending = !connect.isDone();
            if (connectPending) {
                pending.add(connect);
                kinds.add("connect");
            }
            for (CompletableFuture<?> p : pending) assertFalse(p.isDone(), "still pending before the close: " + p);
            group.close();
            for (int i = 0; i < pending.size(); i++) {
                Throwable t = failureOf(pending.get(i));
                assertInstanceOf(AsynchronousCloseException.class, t, kinds.get(i) + " ended by the group's close: " + t);
            }
            for (Socket s : fillers) s.close();
            assumeTrue(connectPending, "the connect did not wait (the listener's backlog was not full)");
        }
    }

    @Test
    void aBlockingReadEndedByTheGroupsCloseThrowsAsynchronousCloseException(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor(), "mkfifo");
        EventLoopGroup group = EventLoopGroup.create(1);
        AsyncFile f = AsyncFile.open(group, fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                f.read(ByteBuffer.allocate(8), 0, LONG);
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        Thread.sleep(200);
        group.close();
        Throwable t = thrown.get(10, TimeUnit.SECONDS);
        assertInstanceOf(AsynchronousCloseException.class, t, "a blocked reader hears of the close: " + t);
        assertTrue(reader.join(Duration.ofSeconds(5)));
    }

    @Test
    void writesCutShortByTheGroupsCloseFailWithAClosedChannelException() throws Exception {
        try (EventLoopGroup serverGroup = EventLoopGroup.create(1);
             TcpServer server = TcpServer.bind(serverGroup, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8)) {
            EventLoopGroup group = EventLoopGroup.create(2);
            List<CompletableFuture<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                TcpConnection c = TcpConnection.connect(group, server.localAddress(), Duration.ofSeconds(5));
                // nobody reads the other end: the sends fill the socket and queue behind it
                for (int j = 0; j < 8; j++) writes.add(c.writeAsync(ByteBuffer.allocate(1 << 20)));
            }
            Thread.sleep(100);
            group.close();
            int failed = 0;
            for (CompletableFuture<Integer> w : writes) {
                assertTrue(w.isDone(), "every write has ended when the group is closed");
                if (!w.isCompletedExceptionally()) continue;
                failed++;
                Throwable t = failureOf(w);
                assertInstanceOf(ClosedChannelException.class, t, "a write cut short by the close: " + t);
            }
            assertTrue(failed > 0, "some writes were cut short");
        }
    }
}
