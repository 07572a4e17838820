package io.uring4j.core;

import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** sockaddr encoding and decoding, checked against the kernel's own bind/getsockname; RecvmsgOut parsing. */
class SocketAddressesTest {

    @Test
    void ipv4LayoutIsNetworkOrderPortAndAddress() throws Exception {
        try (Arena a = Arena.ofConfined()) {
            InetSocketAddress addr = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 0x1234);
            MemorySegment seg = SocketAddresses.allocate(a, addr);
            assertEquals(16, seg.byteSize());
            assertEquals(SocketAddresses.AF_INET, SocketAddresses.family(seg));
            assertArrayEquals(new byte[] {0x12, 0x34, 10, 1, 2, 3, 0, 0}, seg.asSlice(2, 8).toArray(JAVA_BYTE));
            assertEquals(addr, SocketAddresses.read(seg, 16));
        }
    }

    @Test
    void ipv6KeepsScopeId() throws Exception {
        try (Arena a = Arena.ofConfined()) {
            Inet6Address ip = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3);
            InetSocketAddress addr = new InetSocketAddress(ip, 443);
            MemorySegment seg = SocketAddresses.allocate(a, addr);
            assertEquals(28, SocketAddresses.length(addr));
            assertEquals(3, seg.get(JAVA_INT, 24));
            InetSocketAddress back = SocketAddresses.readInet(seg, 28);
            assertEquals(addr, back);
            assertEquals(3, ((Inet6Address) back.getAddress()).getScopeId());
        }
    }

    @Test
    void kernelAgreesWithTheEncoding() {
        try (NetTesting net = new NetTesting()) {
            for (InetAddress ip : new InetAddress[] {NetTesting.V4, NetTesting.V6}) {
                int fd = net.tcpSocket(ip);
                MemorySegment seg = SocketAddresses.allocate(net.arena, new InetSocketAddress(ip, 0));
                assertEquals(0, Posix.bind(fd, seg, (int) seg.byteSize()), "the kernel accepts our sockaddr for " + ip);
                InetSocketAddress bound = net.localAddress(fd);
                assertEquals(ip, bound.getAddress());
                assertTrue(bound.getPort() > 0);
            }
        }
    }

    @Test
    void unixPathsAbstractNamesAndUnnamed() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(SocketAddresses.SOCKADDR_UN_BYTES);
            assertEquals(2 + 9 + 1, SocketAddresses.writeUnix(seg, "/tmp/sock"));
            assertEquals("/tmp/sock", SocketAddresses.readUnixPath(seg, 12));
            assertEquals(UnixDomainSocketAddress.of("/tmp/sock"), SocketAddresses.read(seg, 12));
            assertEquals(12, SocketAddresses.length(UnixDomainSocketAddress.of("/tmp/sock")));

            assertEquals(2 + 5, SocketAddresses.writeUnix(seg, "\0name"));
            assertEquals("\0name", SocketAddresses.readUnixPath(seg, 7));
            assertThrows(IllegalArgumentException.class, () -> SocketAddresses.read(seg, 7));

            assertEquals(2, SocketAddresses.writeUnix(seg, ""));
            assertEquals(UnixDomainSocketAddress.of(""), SocketAddresses.read(seg, 2));

            var e = assertThrows(IllegalArgumentException.class, () -> SocketAddresses.writeUnix(seg, "x".repeat(108)));
            assertTrue(e.getMessage().contains("108"), e.getMessage());
        }
    }

    @Test
    void badInputIsRefusedWithTheNumbers() {
        try (Arena a = Arena.ofConfined()) {
            var small = assertThrows(IllegalArgumentException.class,
                    () -> SocketAddresses.write(a.allocate(8), new InetSocketAddress(NetTesting.V4, 1)));
            assertTrue(small.getMessage().contains("16") && small.getMessage().contains("8"), small.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> SocketAddresses.allocate(a, InetSocketAddress.createUnresolved("example.org", 80)));
            MemorySegment v4 = SocketAddresses.allocate(a, new InetSocketAddress(NetTesting.V4, 1));
            assertThrows(IllegalArgumentException.class, () -> SocketAddresses.readInet(v4, 12), "length below sockaddr_in");
            MemorySegment junk = a.allocate(16);
            junk.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) 99);
            var fam = assertThrows(IllegalArgumentException.class, () -> SocketAddresses.readInet(junk, 16));
            assertTrue(fam.getMessage().contains("99"), fam.getMessage());
        }
    }

    @Test
    void recvmsgOutSlicesAndTruncationFlags() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(64);
            buf.set(JAVA_INT, 0, 28);   // namelen: more than the 16 bytes reserved
            buf.set(JAVA_INT, 4, 0);    // controllen
            buf.set(JAVA_INT, 8, 40);   // payloadlen
            buf.set(JAVA_INT, 12, Msghdr.MSG_TRUNC);
            RecvmsgOut out = new RecvmsgOut(16, 8).wrap(buf, 60);
            assertEquals(16, out.name().byteSize(), "the name is cut to its room");
            assertTrue(out.isNameTruncated());
            assertEquals(0, out.control().byteSize());
            assertEquals(60 - 16 - 16 - 8, out.payload().byteSize());
            assertEquals(buf.address() + 40, out.payload().address());
            assertTrue(out.isPayloadTruncated());
            assertFalse(out.isControlTruncated());

            var e = assertThrows(IllegalArgumentException.class, () -> new RecvmsgOut(16, 8).wrap(buf, 39));
            assertTrue(e.getMessage().contains("40") && e.getMessage().contains("39"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new RecvmsgOut(16, 8).wrap(buf, 65));
            assertThrows(IllegalArgumentException.class, () -> new RecvmsgOut(-1, 0));

            MemorySegment msg = Msghdr.allocate(a, a.allocate(24), a.allocate(40));
            RecvmsgOut fromHeader = new RecvmsgOut(msg);
            assertThrows(IllegalArgumentException.class, () -> fromHeader.wrap(buf, 64), "16 + 24 + 40 > 64");
        }
    }
}
