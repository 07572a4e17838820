package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 item 4: a read that is cancelled, interrupted or timed out gives up its place at once;
 * the bytes that arrive later go to the next read, and a read that gave up never received any.
 */
@Timeout(60)
class TcpReadCancelTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    private static final byte[] TEN = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    /** Reads exactly {@code n} bytes with 5 s deadlines. */
    private static byte[] readFully(TcpConnection c, int n) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            assertTrue(c.read(b, Duration.ofSeconds(5)) > 0, "no end of stream before " + n + " bytes");
        }
        return b.array();
    }

    @Test
    void aCancelledReadLeavesTheBytesToTheNextRead() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            ByteBuffer abandoned = ByteBuffer.allocate(16);
            CompletableFuture<Integer> r = p.conn.readAsync(abandoned);
            Thread.sleep(20); // the read is installed on the loop
            assertTrue(r.cancel(true));
            p.peer.getOutputStream().write(TEN);
            assertArrayEquals(TEN, readFully(p.conn, TEN.length), "every byte goes to the next read");
            assertEquals(0, abandoned.position(), "the cancelled read's buffer is untouched");
        }
    }

    @Test
    void aReadCancelledBeforeTheLoopSawItLeavesNoTrace() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            for (int i = 0; i < 200; i++) {
                p.conn.readAsync(ByteBuffer.allocate(16)).cancel(false); // most race the loop's install
            }
            p.peer.getOutputStream().write(TEN);
            assertArrayEquals(TEN, readFully(p.conn, TEN.length));
        }
    }

    @Test
    void anInterruptedVirtualThreadReadLeavesTheBytesToTheNextRead() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            ByteBuffer abandoned = ByteBuffer.allocate(16);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    p.conn.read(abandoned);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            Thread.sleep(50);
            reader.interrupt();
            reader.join(5000);
            assertFalse(reader.isAlive(), "the interrupted read returned");
            assertInstanceOf(InterruptedIOException.class, thrown.get());
            p.peer.getOutputStream().write(TEN);
            assertArrayEquals(TEN, readFully(p.conn, TEN.length));
            assertEquals(0, abandoned.position());
        }
    }

    @Test
    void aTimedOutReadLeavesTheBytesToTheNextRead() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            ByteBuffer abandoned = ByteBuffer.allocate(16);
            assertThrows(InterruptedByTimeoutException.class, () -> p.conn.read(abandoned, Duration.ofMillis(50)));
            p.peer.getOutputStream().write(TEN);
            assertArrayEquals(TEN, readFully(p.conn, TEN.length));
            assertEquals(0, abandoned.position());
        }
    }

    /**
     * Reads given up in every way, at random moments, while the peer sends a counted stream in
     * random pieces: every byte arrives exactly once, in order, and only in reads that returned it.
     */
    @Test
    void readsGivenUpAtRandomMomentsLoseNoByte() throws Exception {
        int total = 200_000;
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            Thread writer = Thread.ofPlatform().start(() -> {
                Random r = new Random(1);
                try {
                    OutputStream out = p.peer.getOutputStream();
                    for (int at = 0; at < total; ) {
                        int n = Math.min(total - at, 1 + r.nextInt(3000));
                        byte[] chunk = new byte[n];
                        for (int i = 0; i < n; i++) chunk[i] = (byte) ((at + i) % 251);
                        out.write(chunk);
                        at += n;
                        if (r.nextInt(4) == 0) LockSupport.parkNanos(r.nextInt(300_000));
                    }
                    p.peer.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Random r = new Random(2);
            int got = 0;
            while (true) {
                ByteBuffer b = ByteBuffer.allocate(1 + r.nextInt(5000));
                int n;
                switch (r.nextInt(4)) {
                    case 0 -> { // cancelled after a random delay
                        CompletableFuture<Integer> f = p.conn.readAsync(b);
                        LockSupport.parkNanos(r.nextInt(200_000));
                        if (f.cancel(false)) {
                            assertEquals(0, b.position(), "a cancelled read received nothing");
                            continue;
                        }
                        n = f.get(5, TimeUnit.SECONDS);
                    }
                    case 1 -> { // a tiny deadline
                        try {
                            n = p.conn.read(b, Duration.ofNanos(1 + r.nextInt(300_000)));
                        } catch (InterruptedByTimeoutException e) {
                            assertEquals(0, b.position(), "a timed-out read received nothing");
                            continue;
                        }
                    }
                    case 2 -> { // interrupted on a virtual thread
                        CompletableFuture<Integer> result = new CompletableFuture<>();
                        Thread t = Thread.ofVirtual().start(() -> {
                            try {
                                result.complete(p.conn.read(b));
                            } catch (Throwable e) {
                                result.completeExceptionally(e);
                            }
                        });
                        LockSupport.parkNanos(r.nextInt(200_000));
                        t.interrupt();
                        try {
                            n = result.get(5, TimeUnit.SECONDS);
                        } catch (java.util.concurrent.ExecutionException e) {
                            assertInstanceOf(InterruptedIOException.class, e.getCause());
                            assertEquals(0, b.position(), "an interrupted read received nothing");
                            continue;
                        }
                    }
                    default -> n = p.conn.read(b, Duration.ofSeconds(5));
                }
                if (n < 0) break;
                assertEquals(n, b.position());
                for (int i = 0; i < n; i++) {
                    assertEquals((byte) ((got + i) % 251), b.get(i), "byte " + (got + i));
                }
                got += n;
            }
            writer.join(10_000);
            assertEquals(total, got, "every byte arrived");
        }
    }
}
