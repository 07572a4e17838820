package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 9 item 10: socket errors are the {@code java.net} exceptions the JDK's own sockets
 * throw for the same situation (checked against {@link SocketChannel} here), worded as the
 * JDK words them plus the address; and a blocking call throws an exception made on the
 * caller's thread (its trace shows the caller), of exactly the type the loop produced, with
 * the loop's exception as its cause.
 */
@Timeout(60)
class ErrorMappingTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(2);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static InetSocketAddress closedPort(String host) throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress(host, 0))) {
            return (InetSocketAddress) s.getLocalAddress();
        }
    }

    /** What the JDK throws connecting to {@code to}. */
    private static IOException jdkConnect(InetSocketAddress to) {
        try (SocketChannel c = SocketChannel.open()) {
            c.socket().connect(to, (int) WAIT.toMillis());
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    @Test
    void aRefusedConnectIsTheJdksConnectExceptionWithTheAddress() throws Exception {
        for (String host : new String[] {"127.0.0.1", "::1"}) {
            InetSocketAddress nobody = closedPort(host);
            IOException jdk = jdkConnect(nobody);
            assertInstanceOf(ConnectException.class, jdk, "the JDK's own");
            ConnectException e = assertThrows(ConnectException.class, () -> TcpConnection.connect(loops.group(), nobody, WAIT));
            assertTrue(e.getMessage().startsWith(jdk.getMessage()), "the JDK's words first: " + e.getMessage() + " vs " + jdk.getMessage());
            assertTrue(e.getMessage().contains(nobody.toString()), "names the address: " + e.getMessage());
            assertTrue(e.getMessage().contains("ECONNREFUSED"), "and the errno: " + e.getMessage());
        }
    }

    @Test
    void aBindToAPortInUseOrANonLocalAddressIsABindException() throws Exception {
        try (TcpServer first = TcpServer.bind(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
             ServerSocketChannel holder = ServerSocketChannel.open()) {
            // SO_REUSEADDR lets a second listener bind only after the first is gone: a live one refuses it
            BindException e = assertThrows(BindException.class, () -> TcpServer.bind(loops.group(), first.localAddress(), 8));
            assertTrue(e.getMessage().startsWith("Address already in use"), e.getMessage());
            assertTrue(e.getMessage().contains(first.localAddress().toString()), e.getMessage());
            IOException jdk = assertThrows(IOException.class, () -> holder.bind(first.localAddress()));
            assertEquals(jdk.getClass(), e.getClass(), "the JDK's type");
        }
        InetSocketAddress notHere = new InetSocketAddress(InetAddress.getByName("203.0.113.5"), 0); // TEST-NET-3
        BindException e = assertThrows(BindException.class, () -> TcpServer.bind(loops.group(), notHere, 8));
        assertTrue(e.getMessage().startsWith("Cannot assign requested address"), e.getMessage());
        try (MessageSocket udp = MessageSocket.udp(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            BindException u = assertThrows(BindException.class,
                    () -> MessageSocket.udp(loops.group(), (InetSocketAddress) udp.localAddress()));
            assertTrue(u.getMessage().startsWith("Address already in use"), u.getMessage());
        }
    }

    @Test
    void noRouteIsNoRouteToHostExceptionWhereTheJdkSaysSo() throws Exception {
        InetSocketAddress unroutable = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 80); // documentation prefix
        IOException jdk = jdkConnect(unroutable);
        assumeTrue(jdk instanceof NoRouteToHostException, "this host's network answers " + jdk + " for " + unroutable);
        NoRouteToHostException e = assertThrows(NoRouteToHostException.class,
                () -> TcpConnection.connect(loops.group(), unroutable, WAIT));
        assertTrue(e.getMessage().startsWith(jdk.getMessage()), e.getMessage() + " vs " + jdk.getMessage());
        assertTrue(e.getMessage().contains(unroutable.toString()), e.getMessage());
    }

    @Test
    void anUnreachableNetworkIsTheJdksSocketException() throws Exception {
        InetSocketAddress multicast = new InetSocketAddress(InetAddress.getByName("224.0.0.1"), 80); // TCP has no route there
        IOException jdk = jdkConnect(multicast);
        assumeTrue(jdk != null && jdk.getMessage().startsWith("Network is unreachable"), "this host answers " + jdk);
        IOException e = assertThrows(IOException.class, () -> TcpConnection.connect(loops.group(), multicast, WAIT));
        assertEquals(jdk.getClass(), e.getClass(), "the JDK's type (SocketException, not NoRouteToHostException)");
        assertTrue(e.getMessage().startsWith(jdk.getMessage()) && e.getMessage().contains("ENETUNREACH"), e.getMessage());
    }

    @Test
    void aResetConnectionFailsReadsWithConnectionReset() throws Exception {
        try (TcpServer server = TcpServer.bind(loops.group(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8)) {
            Socket peer = new Socket();
            peer.connect(server.localAddress(), 5000);
            try (TcpConnection c = server.accept(WAIT)) {
                peer.setSoLinger(true, 0);
                peer.close(); // RST
                SocketException e = assertThrows(SocketException.class, () -> {
                    ByteBuffer b = ByteBuffer.allocate(16);
                    while (c.read(b) >= 0) b.clear();
                    fail("a reset reads as an error, not as the end of the stream");
                });
                assertTrue(e.getMessage().startsWith("Connection reset"), e.getMessage());
            }
        }
    }

    @Test
    void blockingCallsThrowOnTheCallersStackWithTheLoopsExceptionAsCause(@TempDir Path dir) throws Exception {
        InetSocketAddress nobody = closedPort("127.0.0.1");
        ConnectException e = assertThrows(ConnectException.class, () -> TcpConnection.connect(loops.group(), nobody, WAIT));
        assertCallersOwn(e, "blockingCallsThrowOnTheCallersStackWithTheLoopsExceptionAsCause");

        Path missing = dir.resolve("missing");
        NoSuchFileException n = assertThrows(NoSuchFileException.class, () -> AsyncFile.open(loops.group(), missing));
        assertCallersOwn(n, "blockingCallsThrowOnTheCallersStackWithTheLoopsExceptionAsCause");
        assertEquals(missing.toString(), n.getFile(), "the file is kept");
    }

    private static void assertCallersOwn(Exception e, String testMethod) {
        assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getMethodName().equals(testMethod)),
                "the trace shows the caller: " + Arrays.toString(e.getStackTrace()));
        Throwable cause = e.getCause();
        assertNotNull(cause, "the loop's exception is the cause");
        assertEquals(e.getClass(), cause.getClass(), "of the same type");
        assertEquals(e.getMessage(), cause.getMessage(), "with the same message");
        assertTrue(Arrays.stream(cause.getStackTrace()).noneMatch(f -> f.getMethodName().equals(testMethod)),
                "the cause was made on the loop: " + Arrays.toString(cause.getStackTrace()));
    }
}
