package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 item 6: half-closes as a JDK socket has them, a close that sends what is queued first
 * (bounded by the close timeout), an abort that does not, and a completion for loop-thread sends.
 */
@Timeout(60)
class TcpCloseTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static List<CompletableFuture<Integer>> writeInPieces(TcpConnection c, byte[] data, int piece) {
        List<CompletableFuture<Integer>> fs = new ArrayList<>();
        for (int at = 0; at < data.length; at += piece) {
            fs.add(c.writeAsync(ByteBuffer.wrap(data, at, Math.min(piece, data.length - at))));
        }
        return fs;
    }

    /** What the fd number names in this process ({@code socket:[inode]}), or null once it is closed. */
    private static String fdTarget(int fd) throws Exception {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (NoSuchFileException closed) {
            return null;
        }
    }

    @Test
    void shutdownOutputSendsEverythingWrittenThenTheEnd() throws Exception {
        byte[] data = random(3 << 20, 1);
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            List<CompletableFuture<Integer>> fs = writeInPieces(p.conn, data, 1 << 20);
            CompletableFuture<Void> shut = p.conn.shutdownOutputAsync(); // queued behind the writes
            assertArrayEquals(data, p.peer.getInputStream().readAllBytes(), "every byte, then the end of stream");
            shut.get(5, TimeUnit.SECONDS);
            for (CompletableFuture<Integer> f : fs) assertEquals(1 << 20, f.get(5, TimeUnit.SECONDS));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> p.conn.writeAsync(ByteBuffer.allocate(1)).get(5, TimeUnit.SECONDS));
            assertInstanceOf(ClosedChannelException.class, e.getCause(), "a write after shutdownOutput");
            p.conn.shutdownOutput(); // a second one is a no-op
            p.peer.getOutputStream().write(new byte[] {7});
            ByteBuffer in = ByteBuffer.allocate(4);
            assertEquals(1, p.conn.read(in, Duration.ofSeconds(5)), "the input still works");
            assertTrue(p.conn.isOpen());
        }
    }

    @Test
    void shutdownInputMakesReadsReturnEndOfStream() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            CompletableFuture<Integer> pending = p.conn.readAsync(ByteBuffer.allocate(8));
            p.peer.getOutputStream().write(new byte[] {1, 2, 3});
            assertEquals(3, pending.get(5, TimeUnit.SECONDS));
            CompletableFuture<Integer> waiting = p.conn.readAsync(ByteBuffer.allocate(8));
            p.conn.shutdownInput();
            assertEquals(-1, waiting.get(5, TimeUnit.SECONDS), "the read waiting at the shutdown");
            p.peer.getOutputStream().write(new byte[] {4, 5, 6});
            assertEquals(-1, p.conn.read(ByteBuffer.allocate(8), Duration.ofSeconds(5)), "a read after it");
            p.conn.shutdownInput(); // idempotent
            p.conn.write(ByteBuffer.wrap(new byte[] {9}), Duration.ofSeconds(5));
            assertEquals(9, p.peer.getInputStream().read(), "the output still works");
        }
    }

    @Test
    void closeSendsWhatIsQueuedToASlowPeerFirst() throws Exception {
        byte[] data = random(8 << 20, 2);
        try (TcpPeer p = TcpPeer.open(loops.group(), 32 * 1024)) {
            p.conn.closeTimeout(Duration.ofSeconds(20));
            List<CompletableFuture<Integer>> fs = writeInPieces(p.conn, data, 256 * 1024);
            CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
                try {
                    p.conn.close();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(300);
            assertFalse(closed.isDone(), "close waits for the queued writes");
            assertFalse(p.conn.isOpen(), "a closing connection is not open");
            InputStream in = p.peer.getInputStream();
            byte[] got = new byte[data.length];
            int n = 0;
            for (int r; n < got.length && (r = in.read(got, n, Math.min(64 * 1024, got.length - n))) > 0; n += r) {
                Thread.sleep(1); // a slow reader
            }
            assertEquals(data.length, n);
            assertArrayEquals(data, got);
            assertEquals(-1, in.read(), "a clean end of stream after the last byte");
            closed.get(10, TimeUnit.SECONDS);
            for (CompletableFuture<Integer> f : fs) assertEquals(256 * 1024, f.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeGivesUpAtItsDeadlineAndResetsWhenThePeerNeverReads() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group(), 16 * 1024)) {
            String socket = fdTarget(p.conn.fd);
            assertNotNull(socket);
            p.conn.closeTimeout(Duration.ofMillis(300));
            List<CompletableFuture<Integer>> fs = writeInPieces(p.conn, new byte[16 << 20], 1 << 20);
            long start = System.nanoTime();
            p.conn.close();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 250 && ms < 3000, "close returned after its deadline: " + ms + " ms");
            assertNotEquals(socket, fdTarget(p.conn.fd), "the fd is closed");
            int failed = 0;
            for (CompletableFuture<Integer> f : fs) {
                try {
                    f.get(5, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertInstanceOf(AsynchronousCloseException.class, e.getCause());
                    failed++;
                }
            }
            assertTrue(failed > 0, "writes the peer never took fail");
            SocketException reset = assertThrows(SocketException.class,
                    () -> p.peer.getInputStream().transferTo(java.io.OutputStream.nullOutputStream()));
            assertTrue(reset.getMessage().contains("reset"), "the peer learns the stream was cut: " + reset);
        }
    }

    @Test
    void abortFailsQueuedWritesAtOnceAndResets() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group(), 16 * 1024)) {
            List<CompletableFuture<Integer>> fs = writeInPieces(p.conn, new byte[16 << 20], 1 << 20);
            CompletableFuture<Integer> read = p.conn.readAsync(ByteBuffer.allocate(8));
            long start = System.nanoTime();
            p.conn.abort();
            assertTrue((System.nanoTime() - start) / 1_000_000 < 2000, "abort does not wait for the peer");
            p.conn.abort(); // idempotent
            p.conn.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(5, TimeUnit.SECONDS));
            assertInstanceOf(AsynchronousCloseException.class, e.getCause());
            for (CompletableFuture<Integer> f : fs) {
                try {
                    f.get(5, TimeUnit.SECONDS);
                } catch (ExecutionException w) {
                    assertInstanceOf(AsynchronousCloseException.class, w.getCause());
                }
            }
            assertThrows(SocketException.class, () -> p.peer.getInputStream().transferTo(java.io.OutputStream.nullOutputStream()));
        }
    }

    @Test
    void aZeroCloseTimeoutMakesCloseAnAbort() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group(), 16 * 1024)) {
            p.conn.closeTimeout(Duration.ZERO);
            List<CompletableFuture<Integer>> fs = writeInPieces(p.conn, new byte[8 << 20], 1 << 20);
            p.conn.close();
            assertTrue(fs.stream().anyMatch(CompletableFuture::isCompletedExceptionally));
            assertThrows(IllegalArgumentException.class, () -> p.conn.closeTimeout(Duration.ofSeconds(-1)));
        }
    }

    /** A receiver-style program: answer with a completion, and close once the answer went. */
    @Test
    void aSendsHandlerHearsWhenTheKernelTookItsBytes() throws Exception {
        CompletableFuture<Integer> sent = new CompletableFuture<>();
        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            p.conn.receive(new TcpReceiver() {
                @Override
                public void onData(TcpConnection c, MemorySegment buffer, long offset, long length) {
                    c.send(buffer, offset, length, "tag", new CompletionHandler<Integer, String>() {
                        @Override
                        public void completed(Integer n, String tag) {
                            onLoop.complete(c.loop.inEventLoop() && tag.equals("tag"));
                            sent.complete(n);
                            c.closeAsync();
                        }

                        @Override
                        public void failed(Throwable t, String tag) {
                            sent.completeExceptionally(t);
                        }
                    });
                }

                @Override
                public void onEnd(TcpConnection c, Exception error) {
                }
            });
            p.peer.getOutputStream().write("ping".getBytes());
            assertEquals(4, sent.get(5, TimeUnit.SECONDS));
            assertTrue(onLoop.get(5, TimeUnit.SECONDS), "the handler runs on the loop with its attachment");
            assertEquals("ping", new String(p.peer.getInputStream().readAllBytes()), "the answer, then the end");
        }
    }
}
