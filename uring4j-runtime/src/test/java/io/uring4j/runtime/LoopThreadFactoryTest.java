package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocking factories that make a socket on the calling thread and then wait for a loop to
 * take it over (TcpServer.bind, MessageSocket.udp and seqpacketPair) refuse a loop thread before
 * any socket exists. They used to make the socket, queue its hand-over, then fail the wait and
 * close the fd: the queued hand-over later registered (or armed an accept on) an fd number that
 * by then could be another file's.
 */
@Timeout(60)
class LoopThreadFactoryTest {
    interface Factory {
        Object make(EventLoopGroup group) throws Exception;
    }

    @Test
    void theSocketFactoriesRefuseALoopThreadBeforeMakingAnyFd() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        Factory[] factories = {g -> TcpServer.bind(g, any, 16), g -> MessageSocket.udp(g, any), MessageSocket::seqpacketPair};
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            EventLoop loop = group.next();
            for (Factory factory : factories) {
                for (int i = 0; i < 3; i++) {
                    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
                    CompletableFuture<int[]> fds = new CompletableFuture<>();
                    loop.execute(() -> {
                        int before = openFds();
                        try {
                            Object made = factory.make(group);
                            outcome.complete(new AssertionError("made " + made + " on the loop thread"));
                        } catch (Throwable t) {
                            outcome.complete(t);
                        }
                        fds.complete(new int[] {before, openFds()});
                    });
                    Throwable t = outcome.get(10, TimeUnit.SECONDS);
                    assertInstanceOf(IllegalStateException.class, t, "on the loop thread: " + t);
                    assertTrue(t.getMessage().contains("loop"), t.getMessage());
                    int[] counts = fds.get(10, TimeUnit.SECONDS);
                    assertEquals(counts[0], counts[1], "no socket was made before the refusal");
                }
            }
            // the loop still works: nothing it had queued touched a stray fd
            try (TcpServer server = TcpServer.bind(group, any, 16)) {
                assertTrue(server.localAddress().getPort() > 0);
            }
        }
    }

    private static int openFds() {
        return new File("/proc/self/fd").list().length;
    }
}
