package io.uring4j.tools;

import io.uring4j.core.IoUring;
import io.uring4j.runtime.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code uring4j echo-server} in this JVM against a plain JDK client (issue 9 item 6): the client
 * sends 1 MiB, half-closes, and must get every byte back before the end of stream, in both modes.
 */
@Timeout(60)
class EchoServerCommandTest {

    private static EchoServerCommand.Running start(String... extra) throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
        EchoServerCommand cmd = new EchoServerCommand();
        String[] args = new String[extra.length + 4];
        args[0] = "--port";
        args[1] = "0";
        args[2] = "--loops";
        args[3] = "1";
        System.arraycopy(extra, 0, args, 4, extra.length);
        new CommandLine(cmd).parseArgs(args);
        return cmd.start();
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(booleans = {false, true})
    void aHalfClosingClientGetsEveryByteBack(boolean threads) throws Exception {
        byte[] sent = new byte[1 << 20];
        new Random(9).nextBytes(sent);
        try (EchoServerCommand.Running server = threads ? start("--threads") : start()) {
            for (int round = 0; round < 3; round++) {
                try (Socket client = new Socket()) {
                    client.connect(server.localAddress(), 5000);
                    client.setSoTimeout(10_000);
                    AtomicReference<Throwable> writeFailed = new AtomicReference<>();
                    Thread writer = Thread.ofPlatform().start(() -> {
                        try {
                            OutputStream out = client.getOutputStream();
                            out.write(sent);
                            client.shutdownOutput();
                        } catch (Throwable t) {
                            writeFailed.set(t);
                        }
                    });
                    InputStream in = client.getInputStream();
                    byte[] back = in.readAllBytes(); // until the server's end of stream
                    writer.join(10_000);
                    assertNull(writeFailed.get(), "the client's send");
                    assertEquals(sent.length, back.length, "bytes echoed before the end of stream, round " + round);
                    assertArrayEquals(sent, back, "the echo, round " + round);
                }
            }
        }
    }

    private static long loopThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("uring4j-loop-") && t.isAlive()).count();
    }

    /** A bind that fails (the port is taken) leaves no event loop behind: the group is closed, its memory freed. */
    @Test
    void aFailedBindClosesTheGroup() throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)); // no SO_REUSEADDR sharing: a listener
            String port = String.valueOf(taken.getLocalPort());
            long threads = loopThreads();
            long bytes = EventLoopGroup.nativeBytes();
            for (int i = 0; i < 3; i++) {
                EchoServerCommand cmd = new EchoServerCommand();
                new CommandLine(cmd).parseArgs("--port", port, "--loops", "2");
                assertThrows(BindException.class, cmd::start);
                assertEquals(1, new CommandLine(new EchoServerCommand()).execute("--port", port, "--loops", "2"), "the CLI's exit code");
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (loopThreads() > threads && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(threads, loopThreads(), "every loop thread of the failed starts has ended");
            assertEquals(bytes, EventLoopGroup.nativeBytes(), "and every byte of theirs was freed");
        }
    }
}
