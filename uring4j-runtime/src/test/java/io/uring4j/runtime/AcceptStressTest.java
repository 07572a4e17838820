package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Field report 1 at volume: every accepted connection carries its own peer's address, with
 * clients racing each other, a thread churning garbage and full GCs forced all along. Each client
 * binds an explicit port and tells the server that port over the connection, so a peer address
 * that belongs to another connection (or to freed memory) is caught.
 */
class AcceptStressTest {
    private static final int CLIENT_THREADS = 4, ACCEPTORS = 2;
    /** Explicit client ports come from below the ephemeral range (32768+), where nobody else binds by chance. */
    private static final int FIRST_PORT = 10_000, LAST_PORT = 32_000;
    private static final AtomicInteger NEXT_PORT =
            new AtomicInteger(FIRST_PORT + ThreadLocalRandom.current().nextInt(LAST_PORT - FIRST_PORT));

    @Test
    @Timeout(60)
    void tenThousandAcceptsUnderGcPressureIPv4() throws Exception {
        run(InetAddress.getByName("127.0.0.1"), 10_000);
    }

    @Test
    @Timeout(60)
    void thousandAcceptsUnderGcPressureIPv6() throws Exception {
        run(InetAddress.getByName("::1"), 1_000);
    }

    private static void run(InetAddress host, int total) throws Exception {
        long start = System.nanoTime();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger gcs = new AtomicInteger();
        Thread garbage = Thread.ofVirtual().name("garbage").start(() -> churnGarbage(stop, gcs));
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        BitSet boundPorts = new BitSet(), seenPorts = new BitSet();
        AtomicInteger accepted = new AtomicInteger();
        try (EventLoopGroup group = EventLoopGroup.create(2);
             TcpServer server = TcpServer.bind(group, new InetSocketAddress(host, 0), 1024)) {
            List<Thread> threads = new ArrayList<>();
            for (int a = 0; a < ACCEPTORS; a++) {
                threads.add(Thread.ofPlatform().name("acceptor-" + a).start(() -> {
                    try {
                        int n;
                        while ((n = accepted.getAndIncrement()) < total) {
                            acceptOne(server, host, seenPorts);
                            if (n % 1000 == 999) System.gc();
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (int c = 0; c < CLIENT_THREADS; c++) {
                int count = total / CLIENT_THREADS + (c < total % CLIENT_THREADS ? 1 : 0);
                threads.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                    try {
                        for (int i = 0; i < count; i++) connectOne(server.localAddress(), host, boundPorts);
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : threads) {
                assertTrue(t.join(Duration.ofSeconds(50)), t.getName() + " finished in time; failures: " + failures);
            }
        } finally {
            stop.set(true);
            garbage.join(Duration.ofSeconds(5));
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " failures, first: " + failures.peek());
            failures.forEach(e::addSuppressed);
            throw e;
        }
        assertEquals(total, boundPorts.cardinality(), "client connections");
        assertEquals(boundPorts, seenPorts, "every client's port was seen once as an accepted peer port");
        System.out.printf("AcceptStressTest %s: %d accepts in %d ms, %d collections seen meanwhile%n", host, total,
                (System.nanoTime() - start) / 1_000_000, gcs.get());
        assertTrue(gcs.get() >= total / 1000, "the collector ran during the test: " + gcs + " collections");
    }

    /** Accepts one connection, reads the port its client says it bound, and checks the peer address. */
    private static void acceptOne(TcpServer server, InetAddress host, BitSet seenPorts) throws Exception {
        try (TcpConnection c = server.accept(Duration.ofSeconds(20))) {
            ByteBuffer b = ByteBuffer.allocate(2);
            while (b.hasRemaining()) {
                int n = c.readAsync(b).get(20, TimeUnit.SECONDS);
                assertTrue(n > 0, "the client sends its port before closing");
            }
            int port = b.getShort(0) & 0xFFFF;
            InetSocketAddress peer = c.remoteAddress();
            assertNotNull(peer, "accepted connections carry their peer address");
            assertEquals(port, peer.getPort(), "peer port of " + c);
            assertArrayEquals(host.getAddress(), peer.getAddress().getAddress(), "peer address of " + c);
            synchronized (seenPorts) {
                assertFalse(seenPorts.get(port), "port " + port + " accepted twice");
                seenPorts.set(port);
            }
        }
    }

    /** Binds an explicit local port, connects, sends the port, and waits for the server to close. */
    private static void connectOne(InetSocketAddress server, InetAddress host, BitSet boundPorts) throws Exception {
        try (Socket s = new Socket()) {
            s.setReuseAddress(true); // a port still in TIME_WAIT from an earlier run may be bound again
            s.setSoTimeout(20_000);
            int port = bindExplicitPort(s, host);
            synchronized (boundPorts) {
                boundPorts.set(port);
            }
            s.connect(server, 20_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(port);
            out.flush();
            assertEquals(-1, new DataInputStream(s.getInputStream()).read(), "the server closes after reading");
        }
    }

    private static int bindExplicitPort(Socket s, InetAddress host) throws Exception {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndIncrement() - FIRST_PORT, LAST_PORT - FIRST_PORT);
            try {
                s.bind(new InetSocketAddress(host, port));
                return port;
            } catch (BindException taken) {
                // another process holds this port: try the next one
            }
        }
        throw new AssertionError("no free explicit port in 1000 attempts");
    }

    /**
     * Allocates short-lived arrays without pause (yielding its carrier now and then), and counts
     * the collections it sees (a weakly held sentinel cleared).
     */
    private static void churnGarbage(AtomicBoolean stop, AtomicInteger gcs) {
        Object[] keep = new Object[64];
        java.lang.ref.WeakReference<Object> sentinel = new java.lang.ref.WeakReference<>(new Object());
        long i = 0;
        while (!stop.get()) {
            keep[(int) (i & 63)] = new byte[(int) (1024 + (i % 64) * 1024)];
            if ((++i & 255) == 0) {
                if (sentinel.get() == null) {
                    gcs.incrementAndGet();
                    sentinel = new java.lang.ref.WeakReference<>(new Object());
                }
                Thread.yield();
            }
        }
    }
}
