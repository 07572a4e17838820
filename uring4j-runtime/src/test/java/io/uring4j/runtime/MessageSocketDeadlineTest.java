package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 item 7 (the audit's message sockets): every blocking call of a {@link MessageSocket}
 * can take a deadline, per call or as the socket's default, and a receive that gives up (its
 * deadline passed, its future was cancelled, its thread interrupted) gives up its place: the next
 * message goes to the next receive. A cancelled receive used to stay in the kernel and swallow
 * the next message into a future nobody reads.
 */
@Timeout(60)
class MessageSocketDeadlineTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(2);
    private static final int MESSAGE = 32 << 10;

    private static ByteBuffer message(int id) {
        ByteBuffer b = ByteBuffer.allocate(MESSAGE);
        b.putInt(0, id);
        return b;
    }

    @Test
    void aSendThatCannotGoTimesOutAndIsWithdrawnWhileLaterSendsGoOnInOrder() throws Exception {
        MessageSocket[] pair = MessageSocket.seqpacketPair(loops.group());
        try (MessageSocket a = pair[0]; MessageSocket b = pair[1]) {
            // nobody reads b: sends fill the socket until one stays in the kernel
            List<CompletableFuture<Integer>> sent = new ArrayList<>();
            int id = 0;
            while (true) {
                CompletableFuture<Integer> f = a.sendAsync(message(id++));
                sent.add(f);
                try {
                    f.get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException blocked) {
                    break;
                }
                assertTrue(id < 10_000, "the socket fills up");
            }
            int withdrawn = id++;
            long start = System.nanoTime();
            assertThrows(InterruptedByTimeoutException.class, () -> a.send(message(withdrawn), Duration.ofMillis(200)));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 190 && ms < 3000, "waited its deadline: " + ms + " ms");
            int last = id;
            CompletableFuture<Integer> after = a.sendAsync(message(last));
            // now b reads: every message arrives once, in order, except the withdrawn one
            ByteBuffer in = ByteBuffer.allocate(MESSAGE);
            for (int want = 0; want <= last; want++) {
                if (want == withdrawn) continue;
                MessageSocket.Received r = b.receive(in.clear(), Duration.ofSeconds(5));
                assertEquals(MESSAGE, r.length());
                assertEquals(want, in.getInt(0), "messages arrive in order, the withdrawn one never");
            }
            assertEquals(MESSAGE, after.get(5, TimeUnit.SECONDS));
            for (CompletableFuture<Integer> f : sent) assertEquals(MESSAGE, f.get(5, TimeUnit.SECONDS));
            assertThrows(InterruptedByTimeoutException.class, () -> b.receive(in.clear(), Duration.ofMillis(100)),
                    "nothing else arrives");
        }
    }

    @Test
    void theSocketsDefaultDeadlineBoundsItsBlockingCalls() throws Exception {
        try (MessageSocket a = MessageSocket.udp(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             MessageSocket b = MessageSocket.udp(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertSame(b, b.timeout(Duration.ofMillis(100)));
            long start = System.nanoTime();
            assertThrows(InterruptedByTimeoutException.class, () -> b.receive(ByteBuffer.allocate(8)));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 90 && ms < 3000, "the default deadline applied: " + ms + " ms");
            a.sendTo(ByteBuffer.wrap(new byte[] {5}), b.localAddress());
            ByteBuffer in = ByteBuffer.allocate(8);
            assertEquals(1, b.receive(in).length(), "the timed-out receive gave up its place");
            assertEquals(5, in.get(0));
            var e = assertThrows(IllegalArgumentException.class, () -> b.timeout(Duration.ofMillis(-1)));
            assertTrue(e.getMessage().contains("PT-0.001S"), e.getMessage());
            b.timeout(null);
            assertThrows(IllegalArgumentException.class, () -> a.send(ByteBuffer.allocate(1), Duration.ZERO));
        }
    }

    @Test
    void anInterruptedBlockingReceiveGivesUpItsPlace() throws Exception {
        try (MessageSocket a = MessageSocket.udp(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             MessageSocket b = MessageSocket.udp(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    b.receive(ByteBuffer.allocate(8));
                    thrown.complete(null);
                } catch (Throwable x) {
                    thrown.complete(x);
                }
            });
            Thread.sleep(100);
            t.interrupt();
            assertInstanceOf(InterruptedIOException.class, thrown.get(5, TimeUnit.SECONDS));
            Thread.sleep(50); // the cancel reaches the kernel
            a.sendTo(ByteBuffer.wrap(new byte[] {6}), b.localAddress());
            ByteBuffer in = ByteBuffer.allocate(8);
            assertEquals(1, b.receive(in, Duration.ofSeconds(5)).length(), "the next receive gets the message");
            assertEquals(6, in.get(0));
        }
    }

    /**
     * Receives cancelled while their message arrives: whichever wins, every message is seen
     * exactly once, in order, by the cancelled receive (its cancel lost the race) or by the next.
     */
    @Test
    void cancelledReceivesRacingTheirMessagesLoseNone() throws Exception {
        try (MessageSocket a = MessageSocket.udp(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             MessageSocket b = MessageSocket.udp(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int cancelled = 0;
            for (int i = 0; i < 2000; i++) {
                ByteBuffer in = ByteBuffer.allocateDirect(8);
                CompletableFuture<MessageSocket.Received> r = b.receiveAsync(in);
                a.sendToAsync(ByteBuffer.allocate(4).putInt(0, i), b.localAddress());
                if (i % 3 != 0) Thread.onSpinWait();
                boolean c = r.cancel(false);
                if (c) {
                    cancelled++;
                    r = b.receiveAsync(in.clear());
                }
                try {
                    assertEquals(4, r.get(5, TimeUnit.SECONDS).length(), "round " + i);
                } catch (TimeoutException e) {
                    fail("round " + i + " cancelled " + c + " " + r + " in " + in.getInt(0));
                }
                assertEquals(i, in.getInt(0), "round " + i + ": its own message, none lost or repeated");
            }
            assertTrue(cancelled > 0, "some cancels won");
            assertThrows(InterruptedByTimeoutException.class, () -> b.receive(ByteBuffer.allocate(8), Duration.ofMillis(100)));
        }
    }

    /** A receive with a deadline that its socket's close ends is an AsynchronousCloseException, at once, not a timeout. */
    @Test
    void aReceiveWithADeadlineEndedByItsSocketsCloseIsAnAsynchronousClose() throws Exception {
        MessageSocket s = MessageSocket.udp(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        CompletableFuture<MessageSocket.Received> inKernel = s.receiveAsync(ByteBuffer.allocate(8), Duration.ofSeconds(30));
        CompletableFuture<MessageSocket.Received> queued = s.receiveAsync(ByteBuffer.allocate(8), Duration.ofSeconds(30));
        Thread.sleep(100);
        assertFalse(inKernel.isDone() || queued.isDone());
        long start = System.nanoTime();
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                s.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        for (CompletableFuture<MessageSocket.Received> r : List.of(inKernel, queued)) {
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> r.get(10, TimeUnit.SECONDS));
            assertInstanceOf(java.nio.channels.AsynchronousCloseException.class, e.getCause());
        }
        closer.join(10_000);
        assertTrue((System.nanoTime() - start) / 1_000_000 < 5000, "ended by the close, not by the deadline");
    }
}
