package io.uring4j.runtime;

import io.uring4j.runtime.MessageSocket.Received;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Field report 3 at volume: 4 threads × 25 000 messages of random sizes sent at once over one
 * TCP connection and over one SOCK_SEQPACKET socket arrive complete (CRC32) and, per sender, in
 * order (sequence numbers), although the kernel completes unlinked sends in any order.
 */
class OrderedMessagesStressTest {
    private static final int SENDERS = 4, PER_SENDER = 25_000, MAX_PAYLOAD = 2048;
    /** Sends each sender keeps in flight: enough for long link chains, bounded native memory. */
    private static final int WINDOW = 256;
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(2);

    /** Header: sender u8, sequence u32, CRC32 of the payload u32; TCP frames add a payload length u16. */
    private static ByteBuffer message(int sender, int seq, Random r, boolean framed) {
        int len = 1 + r.nextInt(MAX_PAYLOAD);
        byte[] payload = new byte[len];
        r.nextBytes(payload);
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer m = ByteBuffer.allocate(9 + (framed ? 2 : 0) + len);
        m.put((byte) sender).putInt(seq).putInt((int) crc.getValue());
        if (framed) m.putShort((short) len);
        return m.put(payload).flip();
    }

    /** Checks one message's header and checksum against what sender {@code next} expects. */
    private static void check(ByteBuffer m, int payloadLength, int[] next, boolean framed) {
        int sender = m.get();
        int seq = m.getInt();
        int crcWanted = m.getInt();
        if (framed) m.getShort();
        assertTrue(sender >= 0 && sender < SENDERS, "sender " + sender);
        assertEquals(next[sender], seq, "messages of sender " + sender + " arrive in order");
        next[sender]++;
        CRC32 crc = new CRC32();
        crc.update(m.slice(m.position(), payloadLength));
        assertEquals(crcWanted, (int) crc.getValue(), "payload of message " + seq + " of sender " + sender);
        m.position(m.position() + payloadLength);
    }

    /** Starts the senders: each sends its messages through {@code send} with {@link #WINDOW} in flight. */
    private static List<Thread> startSenders(Function<ByteBuffer, CompletableFuture<Integer>> send, boolean framed,
                                             ConcurrentLinkedQueue<Throwable> failures) {
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < SENDERS; t++) {
            int sender = t;
            senders.add(Thread.ofVirtual().name("sender-" + t).start(() -> {
                try {
                    Random r = new Random(sender * 7919L);
                    ArrayDeque<CompletableFuture<Integer>> inFlight = new ArrayDeque<>();
                    for (int seq = 0; seq < PER_SENDER; seq++) {
                        ByteBuffer m = message(sender, seq, r, framed);
                        int len = m.remaining();
                        inFlight.addLast(send.apply(m).thenApply(n -> {
                            assertEquals(len, n, "the whole message was sent");
                            return n;
                        }));
                        if (inFlight.size() >= WINDOW) inFlight.pollFirst().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    }
                    for (var f : inFlight) f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        return senders;
    }

    private static void finish(List<Thread> senders, ConcurrentLinkedQueue<Throwable> failures, int[] next, String what, long start)
            throws InterruptedException {
        for (Thread t : senders) assertTrue(t.join(WAIT), t.getName() + " finished");
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("sender failed: " + failures.peek());
            failures.forEach(e::addSuppressed);
            throw e;
        }
        for (int s = 0; s < SENDERS; s++) assertEquals(PER_SENDER, next[s], "all messages of sender " + s);
        System.out.printf("OrderedMessagesStressTest %s: %d messages in %d ms%n", what, SENDERS * PER_SENDER,
                (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    @Timeout(60)
    void tcpHundredThousandMessagesFromFourThreads() throws Exception {
        long start = System.nanoTime();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        int[] next = new int[SENDERS];
        try (TcpServer server = TcpServer.bind(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
             TcpConnection client = TcpConnection.connect(loops.group(), server.localAddress(), WAIT);
             TcpConnection served = server.accept(WAIT)) {
            // A small send buffer: sends often wait for room, where unlinked ones would overtake each
            // other (without the links this test fails). The receive buffer stays large: with a tiny
            // one, loopback's 64 KiB MSS and 4 KiB receive buffers, window updates stall on the 200 ms
            // persist timer.
            client.setOption(StandardSocketOptions.SO_SNDBUF, 16384);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            List<Thread> senders = startSenders(client::writeAsync, true, failures);
            // a byte stream: parse frames out of whatever each read returns
            ByteBuffer in = ByteBuffer.allocate(1 << 16);
            int received = 0;
            while (received < SENDERS * PER_SENDER) {
                int n = served.readAsync(in).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(n > 0, "the stream ended early after " + received + " messages");
                in.flip();
                while (in.remaining() >= 11) {
                    int len = in.getShort(in.position() + 9) & 0xFFFF;
                    if (in.remaining() < 11 + len) break;
                    check(in, len, next, true);
                    received++;
                }
                in.compact();
            }
            finish(senders, failures, next, "TCP", start);
        }
    }

    @Test
    @Timeout(60)
    void seqpacketHundredThousandMessagesFromFourThreads() throws Exception {
        long start = System.nanoTime();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        int[] next = new int[SENDERS];
        MessageSocket[] pair = MessageSocket.seqpacketPair(loops.group());
        try (MessageSocket a = pair[0]; MessageSocket b = pair[1]) {
            List<Thread> senders = startSenders(a::sendAsync, false, failures);
            // receives in flight, served one at a time in call order: each future gets the next message
            ArrayDeque<CompletableFuture<Received>> pending = new ArrayDeque<>();
            ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
            int asked = 0;
            for (int received = 0; received < SENDERS * PER_SENDER; received++) {
                while (pending.size() < 32 && asked < SENDERS * PER_SENDER) {
                    ByteBuffer buf = asked % 2 == 0 ? ByteBuffer.allocateDirect(9 + MAX_PAYLOAD) : ByteBuffer.allocate(9 + MAX_PAYLOAD);
                    buffers.addLast(buf);
                    pending.addLast(b.receiveAsync(buf));
                    asked++;
                }
                Received r = pending.pollFirst().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                ByteBuffer buf = buffers.pollFirst().flip();
                assertFalse(r.truncated(), "message " + received);
                assertEquals(r.length(), buf.remaining());
                check(buf, r.length() - 9, next, false);
            }
            finish(senders, failures, next, "SOCK_SEQPACKET", start);
        }
    }
}
