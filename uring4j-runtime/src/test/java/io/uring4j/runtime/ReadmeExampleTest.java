package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's runtime example, kept compiling and true. */
@Timeout(30)
class ReadmeExampleTest {
    @Test
    void readmeRuntimeExample(@TempDir Path dir) throws Exception {
        Path hostname = dir.resolve("hostname");
        Files.writeString(hostname, "uring4j-host\n");
        try (EventLoopGroup group = EventLoopGroup.create()) {
            try (AsyncFile f = AsyncFile.open(group, hostname)) {
                ByteBuffer buf = ByteBuffer.allocate(256);
                int n = f.read(buf, 0, Duration.ofSeconds(1));
                assertEquals(13, n);
                int m = f.readAsync(buf.clear(), 0).join();
                assertEquals(13, m);
            }
            try (TcpServer server = TcpServer.bind(group, new InetSocketAddress("127.0.0.1", 0), 128);
                 TcpConnection client = TcpConnection.connect(group, server.localAddress(), Duration.ofSeconds(1));
                 TcpConnection peer = server.accept(Duration.ofSeconds(5))) {
                client.write(ByteBuffer.wrap("hi".getBytes()));
                ByteBuffer in = ByteBuffer.allocate(16);
                while (in.position() < 2) peer.read(in);
                assertEquals("hi", new String(in.array(), 0, 2));
            }
        }
    }
}
