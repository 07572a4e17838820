package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A connect that is refused (a bad deadline, a loop at its operation limit) leaves no socket
 * open. A negative deadline used to be refused on the loop after the socket was made and the
 * CONNECT prepared with IOSQE_IO_LINK: the fd leaked (one per call), the slot too, and the loop's
 * next request was linked to the CONNECT.
 */
@Timeout(60)
class ConnectRefusalTest {

    @Test
    void aConnectWithABadDeadlineIsRefusedAndLeavesNoSocket(@TempDir Path dir) throws Exception {
        Path unix = dir.resolve("s");
        try (EventLoopGroup group = EventLoopGroup.create(1);
             TcpServer server = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
             ServerSocketChannel unixServer = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unixServer.bind(UnixDomainSocketAddress.of(unix));
            EventLoop loop = group.next();
            long fds = AbandonedObjectsTest.openFds();
            for (Duration bad : List.of(Duration.ofSeconds(-1), Duration.ZERO, Duration.ofNanos(-1))) {
                for (int i = 0; i < 20; i++) {
                    var e = assertThrows(ExecutionException.class,
                            () -> TcpConnection.connectAsync(loop, server.localAddress(), bad).get(5, TimeUnit.SECONDS));
                    assertInstanceOf(IllegalArgumentException.class, e.getCause());
                    assertTrue(e.getCause().getMessage().contains(bad.toString()), e.getCause().getMessage());
                    e = assertThrows(ExecutionException.class, () -> MessageSocket.connectSeqpacketAsync(loop,
                            UnixDomainSocketAddress.of(unix), bad).get(5, TimeUnit.SECONDS));
                    assertInstanceOf(IllegalArgumentException.class, e.getCause());
                }
            }
            assertEquals(fds, AbandonedObjectsTest.openFds(), "no socket was left open");
            for (int i = 0; i < 20; i++) { // the loop's next requests are linked to nothing
                try (TcpConnection c = TcpConnection.connect(group, server.localAddress(), Duration.ofSeconds(5));
                     TcpConnection s = server.accept(Duration.ofSeconds(5))) {
                    c.write(ByteBuffer.wrap(new byte[] {(byte) i}));
                    ByteBuffer in = ByteBuffer.allocate(1);
                    assertEquals(1, s.read(in, Duration.ofSeconds(5)));
                    assertEquals(i, in.get(0));
                }
            }
        }
    }

    @Test
    void aConnectRefusedAtTheOperationLimitLeavesNoSocket(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        try (EventLoopGroup group = EventLoopGroup.builder().loops(1).maxOperations(16).build();
             TcpServer server = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
             AsyncFile pipe = AsyncFile.open(group, fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            EventLoop loop = group.next();
            List<CompletableFuture<Integer>> reads = new ArrayList<>();
            for (int i = 0; i < 16; i++) reads.add(pipe.readAsync(ByteBuffer.allocate(1), 0)); // fills the loop: they wait
            long refusedReads = reads.stream().filter(r -> {
                try {
                    r.get(200, TimeUnit.MILLISECONDS);
                    return false;
                } catch (ExecutionException e) {
                    return e.getCause() instanceof RejectedExecutionException;
                } catch (Exception stillWaiting) {
                    return false;
                }
            }).count();
            assertTrue(refusedReads > 0, "the loop is at its limit");
            long fds = AbandonedObjectsTest.openFds();
            for (int i = 0; i < 50; i++) {
                var e = assertThrows(ExecutionException.class,
                        () -> TcpConnection.connectAsync(loop, server.localAddress(), Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS));
                assertInstanceOf(RejectedExecutionException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains("maxOperations(16)"), e.getCause().getMessage());
            }
            assertEquals(fds, AbandonedObjectsTest.openFds(), "no socket was left open");
            for (CompletableFuture<Integer> r : reads) r.cancel(false);
            // the cancelled reads give their slots back as their CQEs arrive: retried until admitted
            CompletableFuture<Integer> fresh = untilAdmitted(() -> pipe.readAsync(ByteBuffer.allocate(1), 0));
            assertEquals(1, untilAdmitted(() -> pipe.writeAsync(ByteBuffer.wrap(new byte[] {1}), 0)).get(5, TimeUnit.SECONDS));
            assertEquals(1, fresh.get(5, TimeUnit.SECONDS), "a fresh read gets the byte: the cancelled ones are gone");
            try (TcpConnection c = TcpConnection.connect(group, server.localAddress(), Duration.ofSeconds(5));
                 TcpConnection s = server.accept(Duration.ofSeconds(5))) {
                assertTrue(c.isOpen() && s.isOpen(), "admitted again once requests completed");
            }
        }
    }

    /** The request {@code make} makes, made again while the loop refuses it for its limit (at most 5 s). */
    private static <T> CompletableFuture<T> untilAdmitted(java.util.function.Supplier<CompletableFuture<T>> make) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            CompletableFuture<T> f = make.get();
            try {
                f.get(50, TimeUnit.MILLISECONDS);
                return f;
            } catch (java.util.concurrent.TimeoutException waiting) {
                return f; // admitted, and waiting
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RejectedExecutionException) || System.nanoTime() > deadline) throw e;
                Thread.sleep(20);
            }
        }
    }
}
