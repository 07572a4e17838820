package io.uring4j.tools.soak;

import io.uring4j.runtime.EventLoopGroup;
import io.uring4j.runtime.TcpConnection;
import io.uring4j.runtime.TcpReceiver;
import io.uring4j.runtime.TcpServer;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The soak's echo server, on the runtime's public API, serving each accepted connection in one
 * of three ways, in turn, so all of them are soaked:
 * <ul>
 * <li>{@link Mode#PUSH}: `uring4j echo-server`'s receiver, sends without a handler (a failed
 *     send aborts the connection);</li>
 * <li>{@link Mode#PUSH_HANDLED}: the same with a completion handler on every send, which aborts
 *     the connection itself when a send fails (the peer reset);</li>
 * <li>{@link Mode#THREAD}: a virtual thread with blocking read and write.</li>
 * </ul>
 * In every mode, a peer's end of stream gets the rest of the echo and then the end (a graceful
 * close); a receive error (the peer's reset) aborts. Unlike echo-server it keeps every
 * connection it accepted until its close completed (the fd closed, every request ended), so
 * the soak can tell that each one was freed, and name those that were not.
 */
final class EchoServer implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;
    private static final int HEAD = 32;

    enum Mode { PUSH, PUSH_HANDLED, THREAD }

    private final TcpServer server;
    private final Tally tally;
    private final Thread acceptor;
    private final Set<Served> live = ConcurrentHashMap.newKeySet();
    /** The last connections freed, for {@link #describePeer}. */
    private static final int RECENT = 4096;
    private final ArrayDeque<Served> recent = new ArrayDeque<>();
    /** Buffers of the threaded connections, reused so the soak's own memory stays flat. */
    private final ConcurrentLinkedQueue<ByteBuffer> buffers = new ConcurrentLinkedQueue<>();
    private volatile boolean closing;

    EchoServer(EventLoopGroup group, Tally tally) throws IOException {
        this.tally = tally;
        this.server = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        this.acceptor = Thread.ofPlatform().name("soak-accept").daemon(true).start(this::acceptAll);
    }

    InetSocketAddress address() {
        return server.localAddress();
    }

    private void acceptAll() {
        Mode[] modes = Mode.values();
        for (long n = 0; ; n++) {
            TcpConnection c;
            try {
                c = server.accept();
            } catch (IOException | RuntimeException e) {
                if (!closing) tally.error("server: accept failed", e);
                return;
            }
            tally.accepted.increment();
            if (c.remoteAddress() == null) tally.error("server: accepted " + c + " knows no peer address");
            Served s = new Served(c, modes[(int) (n % modes.length)]);
            live.add(s);
            try {
                if (s.mode == Mode.THREAD) Thread.ofVirtual().name("soak-serve").start(s::serve);
                else c.receive(s);
            } catch (RuntimeException e) {
                tally.error("server: serving " + c, e); // the accept loop must go on
                c.closeAsync().whenComplete((r, t) -> s.freed(t));
            }
        }
    }

    /**
     * How the server side of the client whose stream is {@code stream} is (was) served, for an
     * error's report: found by the first bytes it received (a runtime client cannot tell its
     * local port), among the live connections and the last {@link #RECENT} freed ones.
     */
    String describePeer(Pattern stream) {
        List<Served> candidates = new ArrayList<>(live);
        synchronized (recent) {
            candidates.addAll(recent);
        }
        List<String> found = new ArrayList<>();
        for (Served s : candidates) {
            byte[] head = s.head;
            if (head == null) continue;
            boolean same = true;
            for (int i = 0; i < head.length && same; i++) same = head[i] == stream.at(i);
            if (same) found.add(s + (live.contains(s) ? "" : ", freed"));
        }
        return found.isEmpty() ? "the server side is not known" : "the server side: " + String.join(" or ", found);
    }

    /** {@link #describePeer}, with what the kernel holds in each end's queues (for a stalled conversation). */
    String describePeerAndQueues(Pattern stream) {
        StringBuilder out = new StringBuilder(describePeer(stream));
        List<Served> candidates = new ArrayList<>(live);
        synchronized (recent) {
            candidates.addAll(recent);
        }
        int serverPort = address().getPort();
        for (Served s : candidates) {
            byte[] head = s.head;
            InetSocketAddress peer = s.connection.remoteAddress();
            if (head == null || peer == null) continue;
            boolean same = true;
            for (int i = 0; i < head.length && same; i++) same = head[i] == stream.at(i);
            if (same) out.append("; kernel: ").append(SocketQueues.describe(serverPort, peer.getPort()));
        }
        return out.toString();
    }

    /**
     * Push-mode connections the runtime closed on its own without telling their receiver
     * (onEnd never came: an error) are counted and forgotten, so the live count stays true. A
     * connection is reported only when a sweep finds it so that an earlier sweep found so too:
     * the runtime aborts a connection whose send failed and tells its receiver right after, on
     * the loop, so one look from this thread can fall between the two (CI saw that once); an
     * onEnd that never comes is still missing a sweep later.
     */
    void sweep() {
        for (Served s : live) {
            boolean untold = s.mode == Mode.PUSH && !s.told && !s.connection.isOpen();
            boolean seenBefore = s.untoldSeen;
            s.untoldSeen = untold;
            if (untold && seenBefore && live.remove(s)) {
                tally.error("server: " + s.connection + " was closed by the runtime and its receiver never heard onEnd");
                tally.serverEnds.increment();
                remember(s);
            }
        }
    }

    private void remember(Served s) {
        synchronized (recent) {
            recent.addLast(s);
            if (recent.size() > RECENT) recent.pollFirst();
        }
    }

    /** The connections accepted and not freed yet (after {@link #sweep}); each is an error. */
    List<String> unfreed() {
        sweep();
        List<String> out = new ArrayList<>();
        for (Served s : live) out.add(s.toString());
        return out;
    }

    /** One accepted connection and how it is served. */
    private final class Served implements TcpReceiver, CompletionHandler<Integer, Void> {
        final TcpConnection connection;
        final Mode mode;
        /** Push modes: the end was heard (onEnd) or caused (a failed send). */
        volatile boolean told;
        /** The last sweep found this connection closed and its receiver not told (see {@link #sweep}). */
        volatile boolean untoldSeen;
        /** The first bytes received (up to 32): which client this is. */
        volatile byte[] head;
        private boolean closing; // loop thread

        Served(TcpConnection connection, Mode mode) {
            this.connection = connection;
            this.mode = mode;
        }

        @Override
        public void onData(TcpConnection c, MemorySegment buffer, long offset, long length) {
            if (head == null) head = buffer.asSlice(offset, Math.min(HEAD, length)).toArray(ValueLayout.JAVA_BYTE);
            if (mode == Mode.PUSH_HANDLED) c.send(buffer, offset, length, null, this);
            else c.send(buffer, offset, length);
        }

        @Override
        public void onEnd(TcpConnection c, Exception error) {
            told = true;
            end(error != null);
        }

        @Override
        public void completed(Integer sent, Void unused) {
        }

        @Override
        public void failed(Throwable sendFailed, Void unused) {
            told = true;
            end(true); // the peer reset (or the close cut the send short: then end() did run already)
        }

        /** Loop thread: closes once, gracefully after an end of stream, by an abort after an error. */
        private void end(boolean error) {
            if (closing) return;
            closing = true;
            if (error) {
                tally.serverErrorEnds.increment();
                try {
                    connection.abort(); // on the loop thread it starts the abort and returns
                } catch (IOException notOnTheLoop) {
                    // not thrown on the loop thread
                }
            }
            // closeAsync after an abort follows it: either way the future completes once the fd is closed
            connection.closeAsync().whenComplete((r, t) -> freed(t));
        }

        /** Blocking echo: read, write back, until the end of stream or an error (a reset), then close. */
        void serve() {
            ByteBuffer buf = buffers.poll();
            if (buf == null) buf = ByteBuffer.allocateDirect(BUFFER);
            try {
                while (connection.read(buf.clear()) >= 0) {
                    buf.flip();
                    if (head == null) {
                        head = new byte[Math.min(HEAD, buf.remaining())];
                        buf.get(0, head);
                    }
                    connection.write(buf);
                }
            } catch (IOException | RuntimeException e) {
                tally.serverErrorEnds.increment(); // a peer's reset; the server must survive it
            }
            Throwable failed = null;
            try {
                connection.close();
            } catch (IOException | RuntimeException e) {
                failed = e;
            }
            buffers.add(buf); // close() waited for every request of the connection: nothing touches buf now
            freed(failed);
        }

        void freed(Throwable closeFailed) {
            if (closeFailed != null && !EchoServer.this.closing) tally.error("server: the close of " + connection + " failed", closeFailed);
            if (live.remove(this)) {
                tally.serverEnds.increment();
                remember(this);
            }
        }

        @Override
        public String toString() {
            return connection + " served by " + mode + (connection.isOpen() ? ", open" : ", closing or closed")
                    + (mode == Mode.THREAD ? "" : told ? ", its end heard" : ", no end heard");
        }
    }

    @Override
    public void close() throws IOException {
        closing = true;
        server.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
