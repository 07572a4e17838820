package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Field report 3's lifecycle half at volume: 10 000 cycles of connect, accept, one byte, close,
 * with each close (and the read it has to cancel) still in flight while the next accept runs, and
 * clients alternating between plain Java sockets and runtime connections. Afterwards the process holds exactly the fds and
 * the runtime exactly the native bytes it held after the warm-up.
 */
class CloseAcceptChurnTest {
    private static final int WARM_UP = 500, CYCLES = 10_000;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    @Timeout(60)
    void tenThousandCloseAcceptCyclesLeakNothing() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(2);
             TcpServer server = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256)) {
            churn(group, server, WARM_UP); // pools and slot tables grow to their working size
            int fds = openFds();
            long bytes = EventLoopGroup.nativeBytes();
            long start = System.nanoTime();
            churn(group, server, CYCLES);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(fds, openFds(), "open fds after " + CYCLES + " cycles");
            assertEquals(bytes, EventLoopGroup.nativeBytes(), "runtime native bytes after " + CYCLES + " cycles");
            System.out.printf("CloseAcceptChurnTest: %d cycles in %d ms (%d fds, %d native bytes before and after)%n",
                    CYCLES, ms, fds, bytes);
        }
    }

    private static int openFds() {
        return new File("/proc/self/fd").list().length;
    }

    private static void churn(EventLoopGroup group, TcpServer server, int cycles) throws Exception {
        CompletableFuture<Integer> closing = null, pendingRead = null;
        for (int i = 0; i < cycles; i++) {
            Socket plain = null;
            TcpConnection client = null;
            try {
                if (i % 2 == 0) {
                    plain = new Socket();
                    plain.connect(server.localAddress(), (int) WAIT.toMillis());
                    plain.getOutputStream().write(i);
                } else {
                    client = TcpConnection.connect(group, server.localAddress(), WAIT);
                    client.writeAsync(ByteBuffer.wrap(new byte[] {(byte) i})).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                }
                TcpConnection c = server.accept(WAIT);
                ByteBuffer b = ByteBuffer.allocate(4);
                // a late completion of the previous connection (same fd number, often) would show here
                assertEquals(1, c.readAsync(b).get(WAIT.toSeconds(), TimeUnit.SECONDS), "cycle " + i);
                assertEquals((byte) i, b.get(0), "cycle " + i + " reads its own byte");
                if (closing != null) {
                    closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertTrue(pendingRead.isDone(), "the close ended the read it found pending");
                }
                pendingRead = c.readAsync(ByteBuffer.allocate(4)); // nothing more comes: the close must end it
                closing = c.closeAsync(); // still in flight while the next cycle connects and accepts
            } finally {
                if (plain != null) plain.close();
                if (client != null) client.close();
            }
        }
        if (closing != null) closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
