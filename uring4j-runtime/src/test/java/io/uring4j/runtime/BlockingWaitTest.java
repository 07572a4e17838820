package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * How blocking calls wait ({@link Errors#await}): a wait that gives up (interrupt, deadline)
 * cancels its request, unless the request completed first, whose result the caller then gets
 * instead of losing it; and a huge deadline means no deadline, never an ArithmeticException.
 */
@Timeout(30)
class BlockingWaitTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    /** A future whose cancel always comes too late: the request completed just before it. */
    private static CompletableFuture<Integer> completingOnCancel(int result) {
        return new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                complete(result);
                return false;
            }
        };
    }

    @Test
    void anInterruptedWaitWhoseRequestCompletedFirstReturnsTheResult() throws Exception {
        Thread.currentThread().interrupt();
        assertEquals(42, Errors.await(completingOnCancel(42)), "what the request did is not lost");
        assertTrue(Thread.interrupted(), "the interrupt status is kept");
    }

    @Test
    void anInterruptedWaitWhoseRequestIsCompletingWaitsForTheResult() throws Exception {
        CompletableFuture<Integer> taken = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                // the loop took the request just before: it completes a moment later
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    complete(9);
                });
                return false;
            }
        };
        Thread.currentThread().interrupt();
        assertEquals(9, Errors.await(taken), "the result being delivered is the caller's");
        assertTrue(Thread.interrupted(), "the interrupt status is kept");
    }

    @Test
    void anInterruptedWaitCancelsItsRequest() {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedIOException.class, () -> Errors.await(f));
        assertTrue(Thread.interrupted(), "the interrupt status is kept");
        assertTrue(f.isCancelled(), "the request was cancelled");
    }

    @Test
    void aTimedOutWaitCancelsItsRequestUnlessItCompletedFirst() throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        var e = assertThrows(InterruptedByTimeoutException.class, () -> Errors.await(f, Duration.ofMillis(20), "test wait"));
        assertTrue(e.getCause().getMessage().contains("test wait timed out after PT0.02S"), e.getCause().getMessage());
        assertTrue(f.isCancelled());
        assertEquals(7, Errors.await(completingOnCancel(7), Duration.ofMillis(20), "test wait"), "the completion won the race");
    }

    @Test
    void hugeDeadlinesMeanNone() throws Exception {
        assertEquals(Long.MAX_VALUE, Errors.saturatedNanos(Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(0, Errors.saturatedNanos(Duration.ofSeconds(-1)));
        try (TcpServer server = TcpServer.bind(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
             Socket client = new Socket()) {
            client.connect(server.localAddress(), 5000);
            try (TcpConnection c = server.accept(Duration.ofSeconds(Long.MAX_VALUE))) {
                assertEquals(client.getLocalPort(), c.remoteAddress().getPort());
            }
        }
    }

    @Test
    void acceptRefusesNonPositiveDeadlines() throws IOException {
        try (TcpServer server = TcpServer.bind(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8)) {
            var e = assertThrows(IllegalArgumentException.class, () -> server.accept(Duration.ZERO));
            assertTrue(e.getMessage().contains("PT0S"), e.getMessage());
            assertThrows(NullPointerException.class, () -> server.accept(null));
        }
    }
}
