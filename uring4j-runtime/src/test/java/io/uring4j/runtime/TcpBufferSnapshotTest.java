package io.uring4j.runtime;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 item 2, TCP part: a request takes one snapshot of its buffer's position and limit on
 * the calling thread and transfers exactly that range, whatever another thread does to the
 * position meanwhile. Sharing a buffer like this is misuse: it may give a wrong result, never an
 * exception on the loop thread, never a byte outside the buffer, never lost data.
 */
@Timeout(60)
class TcpBufferSnapshotTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    private static final int SIZE = 4096;

    private static ByteBuffer counted(boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(SIZE) : ByteBuffer.allocate(SIZE);
        for (int i = 0; i < SIZE; i++) b.put(i, (byte) (i % 251));
        return b;
    }

    /** Moves {@code b}'s position (never its limit) at random until stopped. */
    private static Thread flipper(ByteBuffer b, AtomicBoolean stop) {
        return Thread.ofPlatform().daemon(true).start(() -> {
            java.util.Random r = new java.util.Random(5);
            while (!stop.get()) b.position(r.nextInt(SIZE));
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aWriteSendsOneContiguousRangeOfItsBuffer(boolean direct) throws Exception {
        ByteBuffer src = counted(direct);
        AtomicBoolean stop = new AtomicBoolean();
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().start(() -> { // the writes wait for room once the peer's buffers are full
                try {
                    p.peer.getInputStream().transferTo(received);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread flip = flipper(src, stop);
            List<CompletableFuture<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 2000; i++) writes.add(p.conn.writeAsync(src));
            stop.set(true);
            flip.join();
            List<Integer> lengths = new ArrayList<>();
            for (CompletableFuture<Integer> f : writes) {
                try {
                    lengths.add(f.get(10, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    fail("a write of a buffer whose position moved failed on the loop", e.getCause());
                }
            }
            p.conn.shutdownOutput();
            reader.join(10_000);
            java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(received.toByteArray());
            assertEquals(lengths.stream().mapToInt(Integer::intValue).sum(), in.available(), "bytes sent");
            for (int i = 0; i < lengths.size(); i++) {
                byte[] chunk = in.readNBytes(lengths.get(i));
                assertEquals(lengths.get(i), chunk.length);
                for (int j = 1; j < chunk.length; j++) {
                    assertEquals((byte) ((chunk[j - 1] & 0xFF) + 1 == 251 ? 0 : (chunk[j - 1] & 0xFF) + 1), chunk[j],
                            "write " + i + " sent one contiguous range of its buffer");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aReadLosesNoByteWhenItsPositionMoves(boolean direct) throws Exception {
        int total = 4 << 20;
        ByteBuffer dst = direct ? ByteBuffer.allocateDirect(SIZE) : ByteBuffer.allocate(SIZE);
        AtomicBoolean stop = new AtomicBoolean();
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    OutputStream out = p.peer.getOutputStream();
                    out.write(new byte[total]);
                    p.peer.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread flip = flipper(dst, stop);
            long got = 0;
            while (true) {
                int n;
                try {
                    n = p.conn.readAsync(dst).get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    fail("a read into a buffer whose position moved failed on the loop", e.getCause());
                    return;
                }
                if (n < 0) break;
                assertTrue(n <= SIZE, "a read never fills more than the buffer: " + n);
                got += n;
            }
            stop.set(true);
            flip.join();
            writer.join(10_000);
            assertEquals(total, got, "every byte was counted by a read");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aBlockingWriteWithAMovingPositionNeverThrowsOnTheLoop(boolean direct) throws Exception {
        ByteBuffer src = counted(direct);
        AtomicBoolean stop = new AtomicBoolean();
        try (TcpPeer p = TcpPeer.open(loops.group())) {
            Thread drain = Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    p.peer.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (Exception ignored) {
                    // closed at the end
                }
            });
            Thread flip = flipper(src, stop);
            for (int i = 0; i < 2000; i++) p.conn.write(src, java.time.Duration.ofSeconds(5));
            stop.set(true);
            flip.join();
            assertTrue(p.conn.isOpen());
            drain.interrupt();
        }
    }

    /** A direct buffer over another thread's confined arena: the loop cannot touch it, and says so; no byte is lost. */
    @org.junit.jupiter.api.Test
    void aBufferTheLoopCannotTouchFailsItsRequestAndLosesNoByte() throws Exception {
        try (TcpPeer p = TcpPeer.open(loops.group()); java.lang.foreign.Arena confined = java.lang.foreign.Arena.ofConfined()) {
            ByteBuffer mine = confined.allocate(64).asByteBuffer();
            ExecutionException w = assertThrows(ExecutionException.class, () -> p.conn.writeAsync(mine).get(5, TimeUnit.SECONDS));
            assertInstanceOf(WrongThreadException.class, w.getCause());
            p.peer.getOutputStream().write(new byte[] {1, 2, 3});
            Thread.sleep(50); // the bytes are held by the connection
            ExecutionException r = assertThrows(ExecutionException.class, () -> p.conn.readAsync(mine.clear()).get(5, TimeUnit.SECONDS));
            assertInstanceOf(WrongThreadException.class, r.getCause());
            ByteBuffer ok = ByteBuffer.allocate(8);
            assertEquals(3, p.conn.read(ok, java.time.Duration.ofSeconds(5)), "the next read gets every byte");
            p.conn.write(ByteBuffer.wrap(new byte[] {4}), java.time.Duration.ofSeconds(5));
            assertEquals(4, p.peer.getInputStream().read(), "the output still works");
        }
    }
}
