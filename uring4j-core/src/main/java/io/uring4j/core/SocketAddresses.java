package io.uring4j.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct sockaddr_in}, {@code sockaddr_in6} and {@code sockaddr_un} in native memory, and
 * their conversion to and from {@link InetSocketAddress} and {@link UnixDomainSocketAddress}, for
 * accept, connect, bind, sendto, msghdr names and getsockname.
 *
 * <pre>
 *  sockaddr_in (16)   0 family u16 | 2 port u16 (big-endian) | 4 addr[4] | 8 zero[8]
 *  sockaddr_in6 (28)  0 family u16 | 2 port u16 (big-endian) | 4 flowinfo u32 | 8 addr[16] | 24 scope_id u32
 *  sockaddr_un (110)  0 family u16 | 2 sun_path[108]  (NUL-terminated; a leading NUL: abstract name)
 * </pre>
 *
 * Lengths are {@code socklen_t} values: the exact struct size for IP, {@code 2 + path bytes + 1}
 * for a path name, {@code 2 + name bytes} for an abstract name. Unix paths are encoded as UTF-8.
 */
public final class SocketAddresses {
    private SocketAddresses() {}

    /** {@link SocketConstants#AF_UNIX}, here for the readers of {@link #family}. */
    public static final int AF_UNIX = SocketConstants.AF_UNIX;
    /** {@link SocketConstants#AF_INET}. */
    public static final int AF_INET = SocketConstants.AF_INET;
    /** {@link SocketConstants#AF_INET6}. */
    public static final int AF_INET6 = SocketConstants.AF_INET6;

    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int SOCKADDR_IN_BYTES = 16;
    /** {@code sizeof(struct sockaddr_in6)}. */
    public static final int SOCKADDR_IN6_BYTES = 28;
    /** {@code sizeof(struct sockaddr_un)}. */
    public static final int SOCKADDR_UN_BYTES = 110;
    /** {@code sizeof(struct sockaddr_storage)}: room for any address the kernel returns. */
    public static final int SOCKADDR_STORAGE_BYTES = 128;
    /** {@code sizeof(socklen_t)}. */
    public static final int SOCKLEN_BYTES = 4;

    private static final int SUN_PATH_OFFSET = 2, SUN_PATH_BYTES = 108;
    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    /** A zeroed {@code sockaddr_storage} (128 bytes, 8-aligned) to receive an address into. */
    public static MemorySegment allocateStorage(SegmentAllocator allocator) {
        return allocator.allocate(SOCKADDR_STORAGE_BYTES, 8);
    }

    /** A {@code socklen_t} holding {@code initial}: the in/out length argument of accept. */
    public static MemorySegment allocateLength(SegmentAllocator allocator, int initial) {
        MemorySegment len = allocator.allocate(JAVA_INT);
        len.set(JAVA_INT, 0, initial);
        return len;
    }

    /** An address segment of exactly {@link #length(SocketAddress)} bytes holding {@code address}. */
    public static MemorySegment allocate(SegmentAllocator allocator, SocketAddress address) {
        MemorySegment seg = allocator.allocate(length(address), 8);
        write(seg, address);
        return seg;
    }

    /** The {@code socklen_t} the kernel expects for {@code address}. */
    public static int length(SocketAddress address) {
        return switch (address) {
            case InetSocketAddress inet -> inetAddress(inet) instanceof Inet4Address ? SOCKADDR_IN_BYTES : SOCKADDR_IN6_BYTES;
            case UnixDomainSocketAddress unix -> unixLength(unixBytes(unix.getPath().toString()));
            default -> throw unsupported(address);
        };
    }

    /**
     * Writes {@code address} at the start of {@code seg} and returns its length. An
     * {@link InetSocketAddress} must be resolved; an {@link Inet6Address} keeps its scope id.
     */
    public static int write(MemorySegment seg, SocketAddress address) {
        return switch (address) {
            case InetSocketAddress inet -> writeInet(seg, inet);
            case UnixDomainSocketAddress unix -> writeUnix(seg, unix.getPath().toString());
            default -> throw unsupported(address);
        };
    }

    /**
     * Writes a {@code sockaddr_un} for {@code path} and returns its length. A path starting with
     * {@code '\0'} is an abstract name (no terminating NUL counted); {@code ""} is unnamed.
     */
    public static int writeUnix(MemorySegment seg, String path) {
        byte[] bytes = unixBytes(path);
        int len = unixLength(bytes);
        need(seg, len, "sockaddr_un");
        seg.asSlice(0, len).fill((byte) 0);
        seg.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, seg, JAVA_BYTE, SUN_PATH_OFFSET, bytes.length);
        return len;
    }

    /** The {@code sa_family} of the address in {@code seg}. */
    public static int family(MemorySegment seg) {
        need(seg, 2, "sa_family");
        return Short.toUnsignedInt(seg.get(JAVA_SHORT, 0));
    }

    /**
     * Reads the address the kernel wrote into {@code seg}, {@code length} being the
     * {@code socklen_t} it reported: an {@link InetSocketAddress} for AF_INET/AF_INET6, a
     * {@link UnixDomainSocketAddress} for a named or unnamed AF_UNIX address. Abstract unix names
     * have no {@code Path}; read them with {@link #readUnixPath}.
     */
    public static SocketAddress read(MemorySegment seg, int length) {
        int family = family(seg);
        if (family == AF_UNIX) {
            String path = readUnixPath(seg, length);
            if (!path.isEmpty() && path.charAt(0) == '\0') {
                throw new IllegalArgumentException("an abstract unix name has no Path form; use readUnixPath, given "
                        + (length - SUN_PATH_OFFSET) + " name bytes");
            }
            return UnixDomainSocketAddress.of(path);
        }
        return readInet(seg, length);
    }

    /** Reads a {@code sockaddr_in} or {@code sockaddr_in6} of {@code length} bytes. */
    public static InetSocketAddress readInet(MemorySegment seg, int length) {
        int family = family(seg);
        int port = Short.toUnsignedInt(seg.get(PORT, 2));
        try {
            if (family == AF_INET) {
                checkLength(seg, length, SOCKADDR_IN_BYTES, "sockaddr_in");
                byte[] addr = seg.asSlice(4, 4).toArray(JAVA_BYTE);
                return new InetSocketAddress(InetAddress.getByAddress(addr), port);
            }
            if (family == AF_INET6) {
                checkLength(seg, length, SOCKADDR_IN6_BYTES, "sockaddr_in6");
                byte[] addr = seg.asSlice(8, 16).toArray(JAVA_BYTE);
                int scope = seg.get(JAVA_INT, 24);
                return new InetSocketAddress(Inet6Address.getByAddress(null, addr, scope), port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
        throw new IllegalArgumentException("not an IP address: sa_family " + family + ", expected "
                + AF_INET + " (AF_INET) or " + AF_INET6 + " (AF_INET6)");
    }

    /**
     * The {@code sun_path} of a {@code sockaddr_un} of {@code length} bytes: {@code ""} for an
     * unnamed socket, a string starting with {@code '\0'} for an abstract name.
     */
    public static String readUnixPath(MemorySegment seg, int length) {
        if (family(seg) != AF_UNIX) {
            throw new IllegalArgumentException("not a unix address: sa_family " + family(seg));
        }
        if (length < SUN_PATH_OFFSET || length > Math.min(seg.byteSize(), SOCKADDR_UN_BYTES)) {
            throw new IllegalArgumentException("a sockaddr_un length is within " + SUN_PATH_OFFSET + ".."
                    + Math.min(seg.byteSize(), SOCKADDR_UN_BYTES) + ", given " + length);
        }
        byte[] path = seg.asSlice(SUN_PATH_OFFSET, length - SUN_PATH_OFFSET).toArray(JAVA_BYTE);
        int n = path.length;
        if (n > 0 && path[0] != 0) {
            // a path name: stop at the first NUL (the kernel may count it in the length or not)
            for (int i = 0; i < path.length; i++) {
                if (path[i] == 0) {
                    n = i;
                    break;
                }
            }
        }
        return new String(path, 0, n, StandardCharsets.UTF_8);
    }

    private static int writeInet(MemorySegment seg, InetSocketAddress address) {
        InetAddress ip = inetAddress(address);
        if (ip instanceof Inet4Address) {
            need(seg, SOCKADDR_IN_BYTES, "sockaddr_in");
            seg.asSlice(0, SOCKADDR_IN_BYTES).fill((byte) 0);
            seg.set(JAVA_SHORT, 0, (short) AF_INET);
            seg.set(PORT, 2, (short) address.getPort());
            MemorySegment.copy(ip.getAddress(), 0, seg, JAVA_BYTE, 4, 4);
            return SOCKADDR_IN_BYTES;
        }
        need(seg, SOCKADDR_IN6_BYTES, "sockaddr_in6");
        seg.asSlice(0, SOCKADDR_IN6_BYTES).fill((byte) 0);
        seg.set(JAVA_SHORT, 0, (short) AF_INET6);
        seg.set(PORT, 2, (short) address.getPort());
        MemorySegment.copy(ip.getAddress(), 0, seg, JAVA_BYTE, 8, 16);
        seg.set(JAVA_INT, 24, ((Inet6Address) ip).getScopeId());
        return SOCKADDR_IN6_BYTES;
    }

    private static InetAddress inetAddress(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("an unresolved address has no sockaddr form, given " + address);
        }
        return address.getAddress();
    }

    private static byte[] unixBytes(String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > SUN_PATH_BYTES - (bytes.length > 0 && bytes[0] == 0 ? 0 : 1)) {
            throw new IllegalArgumentException("sun_path holds a path of at most " + (SUN_PATH_BYTES - 1)
                    + " bytes plus its NUL, or an abstract name of " + SUN_PATH_BYTES + ", given " + bytes.length);
        }
        return bytes;
    }

    private static int unixLength(byte[] path) {
        boolean abstractName = path.length > 0 && path[0] == 0;
        return SUN_PATH_OFFSET + path.length + (abstractName || path.length == 0 ? 0 : 1);
    }

    private static void need(MemorySegment seg, long bytes, String what) {
        if (seg.byteSize() < bytes) {
            throw new IllegalArgumentException(what + " needs " + bytes + " bytes, given a segment of " + seg.byteSize());
        }
    }

    private static void checkLength(MemorySegment seg, int length, int required, String what) {
        if (length < required) {
            throw new IllegalArgumentException(what + " has " + required + " bytes, given a length of " + length);
        }
        need(seg, required, what);
    }

    private static IllegalArgumentException unsupported(SocketAddress address) {
        return new IllegalArgumentException("only InetSocketAddress and UnixDomainSocketAddress have a sockaddr form, given "
                + (address == null ? "null" : address.getClass().getName()));
    }
}
