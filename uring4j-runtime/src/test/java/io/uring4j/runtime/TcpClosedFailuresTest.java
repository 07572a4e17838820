package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 item 10: a read or write cut short by the close of its connection or of its group
 * fails with a closed-channel exception ({@link ClosedChannelException}, or its subclass
 * {@link java.nio.channels.AsynchronousCloseException} for one under way), never with an
 * unchecked {@link java.util.concurrent.CancellationException}; in a loop, since it is a race.
 */
@Timeout(120)
class TcpClosedFailuresTest {

    /** Every future has ended, each with a count or a closed-channel exception. */
    private static void assertEndedClosed(List<CompletableFuture<Integer>> futures) throws Exception {
        for (CompletableFuture<Integer> f : futures) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertInstanceOf(ClosedChannelException.class, e.getCause(), "a request ended by a close");
            }
            assertFalse(f.isCancelled(), "a request ended by a close is not reported as cancelled");
        }
    }

    private static List<CompletableFuture<Integer>> loadUp(TcpConnection c) {
        List<CompletableFuture<Integer>> fs = new ArrayList<>();
        fs.add(c.readAsync(ByteBuffer.allocate(16)));
        for (int j = 0; j < 6; j++) fs.add(c.writeAsync(ByteBuffer.allocate(1 << 20)));
        return fs;
    }

    @Test
    void requestsCutShortByTheConnectionsCloseFailClosed() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            for (int round = 0; round < 40; round++) {
                try (TcpPeer p = TcpPeer.open(group, 16 * 1024)) {
                    List<CompletableFuture<Integer>> fs = loadUp(p.conn);
                    if (round % 2 == 1) Thread.sleep(round % 5); // vary what is in the kernel at the close
                    p.conn.abort();
                    assertEndedClosed(fs);
                }
            }
        }
    }

    @Test
    void requestsCutShortByTheGroupsCloseFailClosed() throws Exception {
        for (int round = 0; round < 20; round++) {
            EventLoopGroup group = EventLoopGroup.create(1);
            TcpPeer p = TcpPeer.open(group, 16 * 1024);
            try {
                List<CompletableFuture<Integer>> fs = loadUp(p.conn);
                if (round % 2 == 1) Thread.sleep(round % 5);
                group.close();
                assertEndedClosed(fs);
                assertFalse(p.conn.isOpen());
                p.conn.close(); // closing again after the group is a no-op
            } finally {
                p.peer.close();
                group.close();
            }
        }
    }

    /** Loop-thread sends with a handler hear a closed-channel failure too, when an abort cuts them. */
    @Test
    void sendHandlersCutShortByAnAbortHearAClosedChannel() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            for (int round = 0; round < 20; round++) {
                try (TcpPeer p = TcpPeer.open(group, 16 * 1024)) {
                    List<CompletableFuture<Integer>> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
                    java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(1);
                    java.lang.foreign.MemorySegment big = java.lang.foreign.MemorySegment.ofArray(new byte[1 << 20]);
                    p.conn.receive(new TcpReceiver() {
                        @Override
                        public void onData(TcpConnection c, java.lang.foreign.MemorySegment buffer, long offset, long length) {
                            for (int i = 0; i < 6; i++) {
                                CompletableFuture<Integer> outcome = new CompletableFuture<>();
                                outcomes.add(outcome);
                                c.send(big, 0, big.byteSize(), outcome, new java.nio.channels.CompletionHandler<Integer, CompletableFuture<Integer>>() {
                                    @Override
                                    public void completed(Integer n, CompletableFuture<Integer> o) {
                                        o.complete(n);
                                    }

                                    @Override
                                    public void failed(Throwable t, CompletableFuture<Integer> o) {
                                        o.completeExceptionally(t);
                                    }
                                });
                            }
                            sent.countDown();
                        }

                        @Override
                        public void onEnd(TcpConnection c, Exception error) {
                        }
                    });
                    p.peer.getOutputStream().write(1);
                    assertTrue(sent.await(5, TimeUnit.SECONDS));
                    if (round % 2 == 1) Thread.sleep(round % 5);
                    p.conn.abort();
                    assertEndedClosed(outcomes);
                }
            }
        }
    }
}
