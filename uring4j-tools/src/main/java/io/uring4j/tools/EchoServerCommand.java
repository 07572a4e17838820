package io.uring4j.tools;

import io.uring4j.runtime.EventLoopGroup;
import io.uring4j.runtime.TcpConnection;
import io.uring4j.runtime.TcpReceiver;
import io.uring4j.runtime.TcpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code uring4j echo-server}: a TCP echo server on the uring4j runtime. By default each
 * connection echoes from a {@link TcpReceiver} on its event loop (received bytes are sent back
 * from the completion handler: no thread hand-off); {@code --threads} serves each connection
 * from its own virtual thread with blocking read/write instead, the simplest code to write.
 */
@Command(name = "echo-server", mixinStandardHelpOptions = true,
        description = "Serve TCP echo on io_uring (multishot accept, buffer-ring receive, linked ordered sends).")
final class EchoServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /**
     * Echoes on the loop thread: every received chunk is queued for sending as it arrives. At the
     * peer's end of stream the close sends every queued byte before the fd closes (a client that
     * half-closes gets its whole echo, then the end); after a receive error there is nobody to
     * send to, so the connection is aborted. A peer that does not read its echo stops being read
     * once the connection's send queue is full.
     */
    private static final TcpReceiver ECHO = new TcpReceiver() {
        @Override
        public void onData(TcpConnection connection, MemorySegment buffer, long offset, long length) {
            connection.send(buffer, offset, length);
        }

        @Override
        public void onEnd(TcpConnection connection, Exception error) {
            if (error == null) {
                connection.closeAsync();
            } else {
                try {
                    connection.abort(); // on the loop thread it starts the abort and returns
                } catch (IOException ignored) {
                    // not thrown on the loop thread
                }
            }
        }
    };

    @Option(names = "--port", paramLabel = "PORT", description = "The port to listen on, 0 for any (default ${DEFAULT-VALUE}).",
            defaultValue = "7007")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "The address to bind (default ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--loops", paramLabel = "N", description = "Event loops (default: one per core).", defaultValue = "0")
    int loops;

    @Option(names = "--threads", description = "Serve each connection from a virtual thread (blocking read/write) instead of a receiver on the event loop.")
    boolean threads;

    @Option(names = "--max-seconds", paramLabel = "SECONDS",
            description = "Stop by itself after this many seconds, a safety net for harnesses (default: never).",
            defaultValue = "0")
    long maxSeconds;

    @Override
    public Integer call() throws Exception {
        Running running = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            running.close();
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        if (maxSeconds > 0) {
            Thread.ofPlatform().daemon(true).name("max-seconds").start(() -> {
                try {
                    Thread.sleep(java.time.Duration.ofSeconds(maxSeconds));
                    System.err.println(CliErrors.prefix(spec.commandLine()) + "--max-seconds reached, stopping");
                    System.exit(0);
                } catch (InterruptedException e) {
                    // not reached: nothing interrupts this thread
                }
            });
        }
        InetSocketAddress at = running.localAddress();
        System.out.println("listening on " + at.getAddress().getHostAddress() + ":" + at.getPort()
                + " with " + running.group.loops().size() + " event loop(s); Ctrl-C stops");
        System.out.flush();
        running.acceptor.join();
        stopped.await();
        return 0;
    }

    /** A started server: its group, its listening socket and the thread accepting on it. */
    static final class Running implements AutoCloseable {
        final EventLoopGroup group;
        final TcpServer server;
        final Thread acceptor;

        private Running(EventLoopGroup group, TcpServer server, boolean threads) {
            this.group = group;
            this.server = server;
            this.acceptor = Thread.ofPlatform().name("echo-accept").start(() -> acceptAll(server, threads));
        }

        InetSocketAddress localAddress() {
            return server.localAddress();
        }

        /** Stops accepting and closes the group (and with it every connection). */
        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException | RuntimeException ignored) {
                // already closing
            }
            group.close();
        }
    }

    /** Binds and starts accepting, as {@link #call} does, without waiting: for tests in this JVM. */
    Running start() throws IOException {
        checkOptions();
        EventLoopGroup group = loops > 0 ? EventLoopGroup.create(loops) : EventLoopGroup.create();
        try {
            return new Running(group, TcpServer.bind(group, new InetSocketAddress(InetAddress.getByName(host), port), 4096), threads);
        } catch (IOException | RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /** Usage errors (exit status 2) for values out of range, before anything is bound. */
    private void checkOptions() {
        if (port < 0 || port > 65535) throw new ParameterException(spec.commandLine(), "--port must be 0 to 65535, given " + port);
        if (loops < 0) throw new ParameterException(spec.commandLine(), "--loops must be 0 (one per core) or more, given " + loops);
        if (maxSeconds < 0) throw new ParameterException(spec.commandLine(), "--max-seconds must be 0 (never) or more, given " + maxSeconds);
    }

    private static void acceptAll(TcpServer server, boolean threads) {
        try {
            while (true) {
                TcpConnection c = server.accept();
                if (threads) Thread.ofVirtual().name("echo-" + c.remoteAddress()).start(() -> serve(c));
                else c.receive(ECHO);
            }
        } catch (IOException | RuntimeException e) {
            // the server was closed
        }
    }

    private static void serve(TcpConnection c) {
        ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
        try (c) {
            while (c.read(buf.clear()) >= 0) {
                c.write(buf.flip());
            }
        } catch (IOException | RuntimeException e) {
            // peer went away or the server is shutting down
        }
    }
}
