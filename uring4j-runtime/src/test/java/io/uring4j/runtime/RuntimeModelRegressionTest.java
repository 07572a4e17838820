package io.uring4j.runtime;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What {@link RuntimeModelTest} found: each finding as a deterministic test of its own, and the
 * seed that found it (a seed fixes the actions, not the interleaving, so a seed test is run a few
 * times; it found its bug in each of 3 runs of 3 when kept).
 */
@Timeout(120)
class RuntimeModelRegressionTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    /**
     * The runtime promises that a peer's abort (or its close after a cut write) reaches this end as
     * a reset, never as a clean end of stream, so a cut stream is never taken for a whole one. But
     * Linux reports a socket's pending error once, to whichever call sees it first: when the reset
     * arrives while this end's receive is paused (16 unread buffers held) and this end then
     * writes, the send takes the ECONNRESET, and the receive, re-armed, finds the socket closed
     * with no error left and returns 0, which the connection reports as -1. (The JDK's
     * {@code Socket} does the same: "Connection reset by peer" from the write, then -1 from the
     * read. A connection can do better: remember that one of its requests saw the reset and fail
     * later reads with it.) Found by the model: seed 0x16f97f223069c44a, an end closed by an
     * interrupted {@code close()} (an abort) while its peer held unread data and kept writing.
     */
    @Test
    void aResetFirstSeenByASendStillFailsTheReads() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            byte[] data = new byte[(TcpReceive.MAX_HELD + 8) * 4096]; // more than the receive holds before it pauses
            OutputStream out = p.peer.getOutputStream();
            out.write(data);
            out.flush();
            Thread.sleep(200); // the receive filled its 16 buffers and stopped
            p.peer.setSoLinger(true, 0);
            p.peer.close(); // RST
            Thread.sleep(100);
            IOException send = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 10; i++) p.conn.write(ByteBuffer.wrap(new byte[1024]), Duration.ofSeconds(5));
            }, "a write to a reset connection fails");
            assertTrue(send.getMessage().contains("ECONNRESET") || send.getMessage().contains("EPIPE"), send.toString());
            long got = 0;
            IOException end = null;
            ByteBuffer b = ByteBuffer.allocate(64 << 10);
            while (true) {
                int n;
                try {
                    n = p.conn.read(b.clear(), Duration.ofSeconds(5));
                } catch (IOException e) {
                    end = e;
                    break;
                }
                if (n < 0) break;
                got += n;
            }
            assertNotNull(end, "after the peer's reset (and " + got + " of " + data.length + " B), a read must fail, not return -1");
        }
    }

    /**
     * Runs {@code onLoop} on the connection's loop thread (in a read's completion) after another
     * thread's {@code writeAsync} of byte 1 has returned: that write was made first, and its task
     * waits in the loop's queue while {@code onLoop} runs.
     */
    private static CompletableFuture<Integer> otherThreadWritesThen(TcpPeer p, Runnable onLoop) throws Exception {
        CompletableFuture<Integer> first = new CompletableFuture<>();
        CountDownLatch written = new CountDownLatch(1);
        CompletableFuture<Integer> read = p.conn.readAsync(ByteBuffer.allocate(1));
        CompletableFuture<Void> ran = read.thenAccept(n -> {
            Thread.ofPlatform().start(() -> {
                p.conn.writeAsync(ByteBuffer.wrap(new byte[] {1})).whenComplete((v, t) -> {
                    if (t != null) first.completeExceptionally(t);
                    else first.complete(v);
                });
                written.countDown();
            });
            try {
                assertTrue(written.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertNotNull(EventLoop.current(), "runs on the loop thread");
            onLoop.run();
        });
        p.peer.getOutputStream().write(0); // completes the read: the callback runs on the loop
        ran.get(10, TimeUnit.SECONDS);
        return first;
    }

    /**
     * A write made on the loop thread (a completion callback) runs at once, ahead of writes that
     * other threads made before it and that still wait in the loop's task queue: their bytes
     * reach the peer after its bytes, against "in the order the write calls were made, from any
     * number of threads". Found by the model: seed 0x229d6cc86ff27d8d (a chain of writes made from
     * each other's completions overtook a worker's writeAsync that had returned before).
     */
    @Test
    void aWriteMadeOnTheLoopComesAfterAWriteAnotherThreadMadeBefore() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            CompletableFuture<Integer> second = new CompletableFuture<>();
            CompletableFuture<Integer> first = otherThreadWritesThen(p, () -> p.conn.writeAsync(ByteBuffer.wrap(new byte[] {2}))
                    .whenComplete((v, t) -> second.complete(v)));
            assertEquals(1, first.get(5, TimeUnit.SECONDS));
            assertEquals(1, second.get(5, TimeUnit.SECONDS));
            byte[] got = p.peer.getInputStream().readNBytes(2);
            assertArrayEquals(new byte[] {1, 2}, got, "the write made first arrives first");
        }
    }

    /** As above for a loop-thread shutdownOutput: a write made before it must still go out, then the end. */
    @Test
    void aShutdownOnTheLoopComesAfterAWriteAnotherThreadMadeBefore() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            CompletableFuture<Integer> first = otherThreadWritesThen(p, () -> p.conn.shutdownOutputAsync());
            assertEquals(1, first.get(5, TimeUnit.SECONDS), "a write made before shutdownOutput is sent");
            assertEquals(1, p.peer.getInputStream().read());
            assertEquals(-1, p.peer.getInputStream().read());
        }
    }

    /** As above for a loop-thread closeAsync: "every write already made goes on until the kernel took it". */
    @Test
    void aCloseOnTheLoopSendsAWriteAnotherThreadMadeBefore() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            CompletableFuture<Integer> first = otherThreadWritesThen(p, () -> p.conn.closeAsync());
            assertEquals(1, first.get(5, TimeUnit.SECONDS), "a write made before close is sent");
            assertEquals(1, p.peer.getInputStream().read());
            assertEquals(-1, p.peer.getInputStream().read());
        }
    }

    /**
     * A read given up leaves its place "at once", but {@code TcpFuture} completes the future
     * before it hands the removal to the loop: whatever runs on that completion (a callback, the
     * thread that waited, or one woken by {@code orTimeout}'s timer) can have its next read on
     * the loop first, and that read fails with "a read is already pending". Here the next read is
     * made in the cancelled read's own callback, which {@code cancel} runs before it returns.
     * Found by the model: seed 0x8e4331bafd885a2a (an orTimeout'd read, then the pump's read).
     */
    @Test
    void aReadMadeOnTheGiveUpOfThePreviousOneGetsItsPlace() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            CompletableFuture<Integer> given = p.conn.readAsync(ByteBuffer.allocate(8));
            Thread.sleep(50); // the read waits on the loop
            CompletableFuture<CompletableFuture<Integer>> next = new CompletableFuture<>();
            ByteBuffer b = ByteBuffer.allocate(8);
            given.whenComplete((v, t) -> next.complete(p.conn.readAsync(b)));
            assertTrue(given.cancel(false));
            p.peer.getOutputStream().write(new byte[] {4, 5, 6});
            assertEquals(3, next.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS), "the next read gets the bytes");
        }
    }

    /**
     * A request checks that its file is open on the calling thread, then hands its start to the
     * loop; a close made in between hands the CLOSE over first, so the request then runs on the
     * closed fd number: EBADF at best, and when that number was already reused (another loop of
     * the group opened a file, a socket) the request reads or writes someone else's file. Requests
     * racing a close must fail with {@code ClosedChannelException}, never touch the fd after it.
     * Here: rounds of open, requests from two threads, close; beside them another loop keeps
     * opening and closing a victim file, whose bytes must never change. Found by the model: seed
     * 0x8fb36f95840dbb64 (a read racing a close ended with EBADF).
     */
    @Test
    void aRequestRacingItsFilesCloseNeverRunsOnTheClosedFd() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("uring4j-model");
        java.nio.file.Path racing = dir.resolve("racing"), victim = dir.resolve("victim");
        java.nio.file.Files.write(racing, new byte[4096]);
        byte[] victimBytes = new byte[4096];
        java.util.Arrays.fill(victimBytes, (byte) 7);
        java.nio.file.Files.write(victim, victimBytes);
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> wrong = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try (EventLoopGroup g = EventLoopGroup.create(2)) {
            EventLoop a = g.loops().get(0), b = g.loops().get(1);
            Thread reopener = Thread.ofPlatform().start(() -> { // fd numbers freed by the racing closes get reused here
                while (!stop.get()) {
                    try (AsyncFile v = AsyncFile.openAsync(b, victim, java.nio.file.StandardOpenOption.READ,
                            java.nio.file.StandardOpenOption.WRITE).get(5, TimeUnit.SECONDS)) {
                        Thread.onSpinWait();
                    } catch (Exception e) {
                        wrong.add(e);
                    }
                }
            });
            long until = System.nanoTime() + 5_000_000_000L;
            for (int round = 0; round < 3000 && System.nanoTime() < until && wrong.isEmpty(); round++) {
                AsyncFile f = AsyncFile.openAsync(a, racing, java.nio.file.StandardOpenOption.READ,
                        java.nio.file.StandardOpenOption.WRITE).get(5, TimeUnit.SECONDS);
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<Thread> users = new java.util.ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    boolean write = t == 0;
                    users.add(Thread.ofPlatform().start(() -> {
                        try {
                            go.await();
                            for (int i = 0; i < 200; i++) {
                                CompletableFuture<Integer> r = write ? f.writeAsync(ByteBuffer.wrap(new byte[64]), 0)
                                        : f.readAsync(ByteBuffer.allocate(64), 0);
                                try {
                                    r.get(5, TimeUnit.SECONDS);
                                } catch (java.util.concurrent.ExecutionException e) {
                                    if (!(e.getCause() instanceof java.nio.channels.ClosedChannelException)) wrong.add(e.getCause());
                                    return;
                                }
                            }
                        } catch (Exception e) {
                            wrong.add(e);
                        }
                    }));
                }
                go.countDown();
                Thread.yield();
                f.close();
                for (Thread u : users) u.join(10_000);
            }
            stop.set(true);
            reopener.join(10_000);
        }
        try {
            assertEquals(List.of(), List.copyOf(wrong), "requests racing a close fail with ClosedChannelException only");
            assertArrayEquals(victimBytes, java.nio.file.Files.readAllBytes(victim), "no racing write reached another file");
        } finally {
            java.nio.file.Files.deleteIfExists(racing);
            java.nio.file.Files.deleteIfExists(victim);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    /**
     * {@code shutdownInput()}'s SHUTDOWN goes to an io-wq worker; when its group closes meanwhile,
     * the group's ASYNC_CANCEL cancels it and the -ECANCELED becomes a
     * {@code CancellationException}, which {@code shutdownInput()} throws as it is: against
     * "every request of a TcpConnection cut short by its group's close fails with a closed-channel
     * exception, never with CancellationException". Here the loop is held while another thread's
     * shutdownInput and the group's close queue up, so both go out in one submission. Found by
     * the model: seed 0xc2afd239f3cc25e4.
     */
    @Test
    void aShutdownInputCutShortByItsGroupsCloseFailsAsClosed() throws Exception {
        for (int round = 0; round < 20; round++) {
            EventLoopGroup g = EventLoopGroup.create(1);
            try (TcpServer server = TcpServer.bind(g, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
                 java.net.Socket peer = new java.net.Socket()) {
                peer.connect(server.localAddress(), 5000);
                TcpConnection conn = server.accept(Duration.ofSeconds(5));
                CountDownLatch inCallback = new CountDownLatch(1), release = new CountDownLatch(1);
                conn.readAsync(ByteBuffer.allocate(1)).whenComplete((n, t) -> { // on the loop thread
                    inCallback.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                peer.getOutputStream().write(1);
                assertTrue(inCallback.await(5, TimeUnit.SECONDS));
                CompletableFuture<Throwable> shut = new CompletableFuture<>();
                Thread.ofPlatform().start(() -> {
                    try {
                        conn.shutdownInput();
                        shut.complete(null);
                    } catch (Throwable t) {
                        shut.complete(t);
                    }
                });
                Thread.sleep(20); // its task waits behind the held callback
                Thread closer = Thread.ofPlatform().start(g::close);
                long until = System.nanoTime() + 5_000_000_000L;
                while (!g.loops().get(0).isClosing() && System.nanoTime() < until) Thread.onSpinWait();
                release.countDown();
                Throwable t = shut.get(10, TimeUnit.SECONDS);
                closer.join(10_000);
                assertTrue(t == null || t instanceof java.nio.channels.ClosedChannelException,
                        "round " + round + ": shutdownInput during its group's close threw " + t);
            } finally {
                g.close();
            }
        }
    }

    /**
     * {@code accept(Duration)} waits on {@code acceptAsync()} and, when the deadline passes,
     * throws without taking its future out of the server's queue of waiting accepts: the next
     * connection completes that future, and nobody ever gets it (its fd stays open until the
     * group closes). Found while writing the model's pairing, which now also accepts that way.
     */
    @Test
    void anAcceptThatTimedOutLeavesTheNextConnectionToTheNextAccept() throws Exception {
        try (TcpServer server = TcpServer.bind(loops.group(), new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
             java.net.Socket peer = new java.net.Socket()) {
            assertThrows(java.nio.channels.InterruptedByTimeoutException.class, () -> server.accept(Duration.ofMillis(50)));
            peer.connect(server.localAddress(), 5000);
            try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                assertNotNull(c);
            }
        }
    }

    /**
     * A {@code shutdownOutput} queued behind a write that is then given up fails with the cut's
     * {@code IllegalStateException}, rightly (no FIN may follow a cut frame); but the output stays
     * marked as shut, so every later {@code shutdownOutput()} returns normally, as the no-op of an
     * output already shut, though no FIN was ever sent, and the peer waits for an end of stream
     * that never comes. Later writes fail with {@code ClosedChannelException} instead of the cut's
     * exception. Found by the model: seed 0x5668c517566a2d26 (the ending's half-close, whose
     * shutdownOutput returned normally, then a drain that got no end for 10 s).
     */
    @Test
    void aShutdownOutputCutByAGivenUpWriteDoesNotLaterClaimSuccess() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group(), 4096)) { // the peer reads nothing: the write stays in flight
            CompletableFuture<Integer> big = p.conn.writeAsync(ByteBuffer.allocate(8 << 20));
            Thread.sleep(100);
            CompletableFuture<Void> shut = p.conn.shutdownOutputAsync(); // queued behind the write
            assertTrue(big.cancel(false), "the write is still in flight");
            java.util.concurrent.ExecutionException first = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> shut.get(5, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, first.getCause(), "the queued shutdown was cut");
            assertThrows(IllegalStateException.class, p.conn::shutdownOutput,
                    "no FIN can follow the cut: a later shutdownOutput must not return as if one were on its way");
            java.util.concurrent.ExecutionException later = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> p.conn.writeAsync(ByteBuffer.allocate(1)).get(5, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, later.getCause(), "a later write fails as the cut says");
        }
    }

    /**
     * An accept made while its server's group closes meets the closing loop: {@code acceptAsync()}
     * fails with its {@code IllegalStateException("event loop N is closed")}, and
     * {@code accept(Duration)} wraps that in a bare {@code IOException}; a closed server's accept
     * fails with {@code ClosedChannelException}, and so should these. Found by the model (seeds
     * 0xf2a8ca78dacb4f25 and 0x20187456a77c4204, an accept with a 1 ms deadline during a group close).
     */
    @Test
    void anAcceptMadeWhileItsGroupClosesFailsAsClosed() throws Exception {
        EventLoopGroup g = EventLoopGroup.create(1);
        try (TcpServer server = TcpServer.bind(g, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
             java.net.Socket peer = new java.net.Socket()) {
            peer.connect(server.localAddress(), 5000);
            TcpConnection conn = server.accept(Duration.ofSeconds(5));
            CountDownLatch inCallback = new CountDownLatch(1), release = new CountDownLatch(1);
            conn.readAsync(ByteBuffer.allocate(1)).whenComplete((n, t) -> { // holds the loop thread
                inCallback.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            peer.getOutputStream().write(1);
            assertTrue(inCallback.await(5, TimeUnit.SECONDS));
            Thread closer = Thread.ofPlatform().start(g::close);
            long until = System.nanoTime() + 5_000_000_000L;
            while (!g.loops().get(0).isClosing() && System.nanoTime() < until) Thread.onSpinWait();
            Throwable timed = null;
            try {
                server.accept(Duration.ofMillis(100));
            } catch (Throwable t) {
                timed = t;
            }
            CompletableFuture<TcpConnection> async = server.acceptAsync();
            release.countDown();
            closer.join(10_000);
            assertInstanceOf(java.nio.channels.ClosedChannelException.class, timed, "accept(Duration) while the group closes");
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> async.get(5, TimeUnit.SECONDS));
            assertInstanceOf(java.nio.channels.ClosedChannelException.class, e.getCause(), "acceptAsync() while the group closes");
        } finally {
            g.close();
        }
    }

    private static final String LOOP_ORDER_BUG = "bug: a write, shutdownOutput or close made on the loop thread runs ahead"
            + " of writes other threads made before it (still in the loop's task queue)";

    /**
     * Closing what a closed group left behind is a no-op for an {@code AsyncFile} and a
     * {@code TcpConnection} (the group's close closed their fds); a {@code TcpServer}'s close
     * throws {@code IllegalStateException("event loop N is closed")} instead. Found by the model
     * (runs that close a group mid-run close every server at their end).
     */
    @Test
    void closingWhatAClosedGroupLeftIsQuiet() throws Exception {
        EventLoopGroup g = EventLoopGroup.create(1);
        TcpServer server = TcpServer.bind(g, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
        java.nio.file.Path path = java.nio.file.Files.createTempFile("uring4j-model", ".bin");
        try {
            AsyncFile file = AsyncFile.open(g, path);
            TcpConnection conn = TcpConnection.connect(g, server.localAddress(), Duration.ofSeconds(5));
            g.close();
            assertDoesNotThrow(file::close, "an AsyncFile");
            assertDoesNotThrow(conn::close, "a TcpConnection");
            assertDoesNotThrow(server::close, "a TcpServer");
        } finally {
            java.nio.file.Files.deleteIfExists(path);
        }
    }

    /**
     * Between a group's close starting and its loop's last turn, an {@code AsyncFile} still reads
     * as open, so a request passes the file's check and then meets the closing loop, whose
     * {@code IllegalStateException("event loop N is closed")} becomes the request's failure (and
     * {@code close()} throws it). A connection's requests fail with {@code ClosedChannelException}
     * there; so should a file's. Found by the model (runs with a group close mid-run).
     */
    @Test
    void aFileRequestMadeWhileItsGroupClosesFailsAsClosed() throws Exception {
        java.nio.file.Path path = java.nio.file.Files.createTempFile("uring4j-model", ".bin");
        EventLoopGroup g = EventLoopGroup.create(1);
        try {
            AsyncFile f = AsyncFile.open(g, path, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
            CountDownLatch inHandler = new CountDownLatch(1), release = new CountDownLatch(1);
            f.read(ByteBuffer.allocateDirect(8), 0, null, new java.nio.channels.CompletionHandler<Integer, Object>() {
                @Override
                public void completed(Integer n, Object a) {
                    inHandler.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS); // holds the loop while the group starts closing
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void failed(Throwable t, Object a) {
                    inHandler.countDown();
                }
            });
            assertTrue(inHandler.await(5, TimeUnit.SECONDS));
            Thread closer = Thread.ofPlatform().start(g::close);
            long until = System.nanoTime() + 5_000_000_000L;
            while (!g.loops().get(0).isClosing() && System.nanoTime() < until) Thread.onSpinWait();
            CompletableFuture<Integer> read = f.readAsync(ByteBuffer.allocate(8), 0);
            Throwable closeFailure = null;
            try {
                f.close();
            } catch (Throwable t) {
                closeFailure = t;
            }
            release.countDown();
            closer.join(10_000);
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> read.get(5, TimeUnit.SECONDS));
            assertInstanceOf(java.nio.channels.ClosedChannelException.class, e.getCause(), "a read made while the group closes");
            assertNull(closeFailure, "close() while the group closes");
        } finally {
            g.close();
            java.nio.file.Files.deleteIfExists(path);
        }
    }

    /**
     * A file request still in the kernel when its group closes is cancelled by the group's
     * ASYNC_CANCEL; its -ECANCELED becomes {@code CancellationException} (or, with a deadline,
     * {@code InterruptedByTimeoutException}), though nobody cancelled it or let it time out. A
     * connection's request cut short by its group's close fails with
     * {@code AsynchronousCloseException}; a file's should too. A FIFO read (no writer data) stays
     * in the kernel until then.
     */
    @Test
    void aFileRequestCutShortByItsGroupsCloseFailsAsClosed() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("uring4j-model");
        java.nio.file.Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is needed for a file read that waits");
        EventLoopGroup g = EventLoopGroup.create(1);
        try {
            // O_RDWR: the open does not wait for a writer, and the read waits for data that never comes
            AsyncFile f = AsyncFile.open(g, fifo, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
            CompletableFuture<Integer> plain = f.readAsync(ByteBuffer.allocate(8), 0);
            CompletableFuture<Integer> timed = f.readAsync(ByteBuffer.allocate(8), 0, Duration.ofMinutes(5));
            Thread.sleep(100);
            assertFalse(plain.isDone() || timed.isDone(), "the FIFO reads wait");
            g.close();
            for (CompletableFuture<Integer> r : List.of(plain, timed)) {
                Throwable t = assertThrows(Throwable.class, () -> r.get(5, TimeUnit.SECONDS));
                Throwable cause = t instanceof java.util.concurrent.ExecutionException ? t.getCause() : t;
                assertInstanceOf(java.nio.channels.AsynchronousCloseException.class, cause, "a read cut short by its group's close");
            }
        } finally {
            g.close();
            java.nio.file.Files.deleteIfExists(fifo);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    private static final String RESET_BUG = "bug: a reset first reported to a connection's send makes its reads end"
            + " with -1 (a clean end of stream) instead of failing";

    /** The seed that found the reset bug (run 3 times, strict: the known issue is a violation). */
    @Test
    void seed0x16f97f223069c44a() throws Exception {
        replay(0x16f97f223069c44aL);
    }

    /** The seed that found the order bug (run 3 times, strict). */
    @Test
    void seed0x229d6cc86ff27d8d() throws Exception {
        replay(0x229d6cc86ff27d8dL);
    }

    /** The seed that found the read-place race (a race: it recurs in some runs only). */
    @Test
    void seed0x8e4331bafd885a2a() throws Exception {
        replay(0x8e4331bafd885a2aL);
    }

    /** The seed that found the close race (a race: it recurs in some runs only). */
    @Test
    void seed0x8fb36f95840dbb64() throws Exception {
        replay(0x8fb36f95840dbb64L);
    }

    /** The seed that found the shutdownInput cancellation (a race: it recurs in some runs only). */
    @Test
    void seed0xc2afd239f3cc25e4() throws Exception {
        replay(0xc2afd239f3cc25e4L);
    }

    /** The seed that found the shutdown-after-cut bug (a race: it recurs in some runs only). */
    @Test
    void seed0x5668c517566a2d26() throws Exception {
        replay(0x5668c517566a2d26L);
    }

    /** A seed that found the accept-during-group-close issue (a race: it recurs in some runs only). */
    @Test
    void seed0xf2a8ca78dacb4f25() throws Exception {
        replay(0xf2a8ca78dacb4f25L);
    }

    private static void replay(long seed) throws Exception {
        RuntimeModelTest.Totals totals = new RuntimeModelTest.Totals();
        for (int i = 0; i < 3; i++) RuntimeModelTest.runOne(seed, RuntimeModelTest.DEFAULT_ACTIONS, i, 3, totals);
    }
}
