package io.uring4j.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
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

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
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

    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin_family"), PORT.withName("sin_port"),
            MemoryLayout.sequenceLayout(4, JAVA_BYTE).withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sin_zero")
    ).withName("sockaddr_in");
    private static final StructLayout SOCKADDR_IN6 = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin6_family"), PORT.withName("sin6_port"), JAVA_INT.withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"), JAVA_INT.withName("sin6_scope_id")
    ).withName("sockaddr_in6");
    private static final StructLayout SOCKADDR_UN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sun_family"), MemoryLayout.sequenceLayout(108, JAVA_BYTE).withName("sun_path")
    ).withName("sockaddr_un");

    /** {@code sizeof(struct sockaddr_in)}: 16. */
    public static final int SOCKADDR_IN_BYTES = (int) SOCKADDR_IN.byteSize();
    /** {@code sizeof(struct sockaddr_in6)}: 28. */
    public static final int SOCKADDR_IN6_BYTES = (int) SOCKADDR_IN6.byteSize();
    /** {@code sizeof(struct sockaddr_un)}: 110. */
    public static final int SOCKADDR_UN_BYTES = (int) SOCKADDR_UN.byteSize();
    /** {@code sizeof(struct sockaddr_storage)}: room for any address the kernel returns. */
    public static final int SOCKADDR_STORAGE_BYTES = 128;
    /** {@code sizeof(socklen_t)}. */
    public static final int SOCKLEN_BYTES = 4;

    /** Every sockaddr starts with its {@code sa_family}. */
    private static final long FAMILY = SOCKADDR_IN.byteOffset(groupElement("sin_family"));
    private static final long IN_PORT = SOCKADDR_IN.byteOffset(groupElement("sin_port"));
    private static final long IN_ADDR = SOCKADDR_IN.byteOffset(groupElement("sin_addr"));
    private static final long IN_ADDR_BYTES = SOCKADDR_IN.select(groupElement("sin_addr")).byteSize();
    private static final long IN6_PORT = SOCKADDR_IN6.byteOffset(groupElement("sin6_port"));
    private static final long IN6_ADDR = SOCKADDR_IN6.byteOffset(groupElement("sin6_addr"));
    private static final long IN6_ADDR_BYTES = SOCKADDR_IN6.select(groupElement("sin6_addr")).byteSize();
    private static final long IN6_SCOPE_ID = SOCKADDR_IN6.byteOffset(groupElement("sin6_scope_id"));
    private static final int SUN_PATH_OFFSET = (int) SOCKADDR_UN.byteOffset(groupElement("sun_path"));
    private static final int SUN_PATH_BYTES = (int) SOCKADDR_UN.select(groupElement("sun_path")).byteSize();

    /**
     * Allocates a zeroed {@code sockaddr_storage} (128 bytes, 8-aligned) to receive an address
     * into, e.g. for accept or recvmsg's name.
     *
     * @param allocator where it is allocated (it shares its lifetime)
     * @return a {@link #SOCKADDR_STORAGE_BYTES}-byte segment
     */
    public static MemorySegment allocateStorage(SegmentAllocator allocator) {
        return allocator.allocate(SOCKADDR_STORAGE_BYTES, 8);
    }

    /**
     * Allocates a {@code socklen_t} holding {@code initial}: the in/out length argument of accept.
     *
     * @param allocator where it is allocated (it shares its lifetime)
     * @param initial   the room in the address buffer, e.g. {@link #SOCKADDR_STORAGE_BYTES}
     * @return a {@link #SOCKLEN_BYTES}-byte segment
     */
    public static MemorySegment allocateLength(SegmentAllocator allocator, int initial) {
        MemorySegment len = allocator.allocate(JAVA_INT);
        len.set(JAVA_INT, 0, initial);
        return len;
    }

    /**
     * Allocates an address segment of exactly {@link #length(SocketAddress)} bytes holding
     * {@code address}, ready for connect, bind or sendto.
     *
     * @param allocator where it is allocated (it shares its lifetime)
     * @param address   the address to encode
     * @return the encoded {@code struct sockaddr}
     * @throws IllegalArgumentException if {@code address} is neither an {@link InetSocketAddress}
     *                                  nor a {@link UnixDomainSocketAddress}, is unresolved, or is
     *                                  a unix path too long for {@code sun_path}
     */
    public static MemorySegment allocate(SegmentAllocator allocator, SocketAddress address) {
        MemorySegment seg = allocator.allocate(length(address), 8);
        write(seg, address);
        return seg;
    }

    /**
     * The length of {@code address} in its sockaddr form.
     *
     * @param address the address
     * @return the {@code socklen_t} the kernel expects for it
     * @throws IllegalArgumentException if {@code address} is neither an {@link InetSocketAddress}
     *                                  nor a {@link UnixDomainSocketAddress}, is unresolved, or is
     *                                  a unix path too long for {@code sun_path}
     */
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
     *
     * @param seg     where to write; at least {@link #length(SocketAddress)} bytes
     * @param address the address to encode
     * @return the length written, a {@code socklen_t}
     * @throws IllegalArgumentException if {@code address} is neither an {@link InetSocketAddress}
     *                                  nor a {@link UnixDomainSocketAddress}, is unresolved, or is
     *                                  a unix path too long for {@code sun_path}, or
     *                                  {@code seg} is too small
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
     *
     * @param seg  where to write; at least the returned length
     * @param path the path (UTF-8 encoded: at most 107 bytes), or {@code '\0'} and an abstract
     *             name (at most 108 bytes with the NUL)
     * @return the length written, a {@code socklen_t}
     * @throws IllegalArgumentException if {@code path} is too long or {@code seg} is too small
     */
    public static int writeUnix(MemorySegment seg, String path) {
        byte[] bytes = unixBytes(path);
        int len = unixLength(bytes);
        need(seg, len, "sockaddr_un");
        seg.asSlice(0, len).fill((byte) 0);
        seg.set(JAVA_SHORT, FAMILY, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, seg, JAVA_BYTE, SUN_PATH_OFFSET, bytes.length);
        return len;
    }

    /**
     * Reads the address family.
     *
     * @param seg a {@code struct sockaddr}
     * @return its {@code sa_family}: {@link #AF_INET}, {@link #AF_INET6}, {@link #AF_UNIX}, …
     * @throws IllegalArgumentException if {@code seg} is shorter than 2 bytes
     */
    public static int family(MemorySegment seg) {
        need(seg, FAMILY + JAVA_SHORT.byteSize(), "sa_family");
        return Short.toUnsignedInt(seg.get(JAVA_SHORT, FAMILY));
    }

    /**
     * Reads the address the kernel wrote into {@code seg}, {@code length} being the
     * {@code socklen_t} it reported: an {@link InetSocketAddress} for AF_INET/AF_INET6, a
     * {@link UnixDomainSocketAddress} for a named or unnamed AF_UNIX address. Abstract unix names
     * have no {@code Path}; read them with {@link #readUnixPath}.
     *
     * @param seg    the address the kernel wrote
     * @param length the address length the kernel reported
     * @return the decoded address
     * @throws IllegalArgumentException if the family is not AF_INET, AF_INET6 or AF_UNIX, the
     *                                  length does not fit the family or {@code seg}, or the unix
     *                                  name is abstract
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

    /**
     * Reads a {@code sockaddr_in} or {@code sockaddr_in6} of {@code length} bytes.
     *
     * @param seg    the address
     * @param length the address length ({@code >=} the struct size of its family)
     * @return the IP address and port (with the IPv6 scope id)
     * @throws IllegalArgumentException if the family is neither AF_INET nor AF_INET6, or
     *                                  {@code length} or {@code seg} is too short for it
     */
    public static InetSocketAddress readInet(MemorySegment seg, int length) {
        int family = family(seg);
        int port = Short.toUnsignedInt(seg.get(PORT, IN_PORT)); // sin6_port sits at the same offset
        try {
            if (family == AF_INET) {
                checkLength(seg, length, SOCKADDR_IN_BYTES, "sockaddr_in");
                byte[] addr = seg.asSlice(IN_ADDR, IN_ADDR_BYTES).toArray(JAVA_BYTE);
                return new InetSocketAddress(InetAddress.getByAddress(addr), port);
            }
            if (family == AF_INET6) {
                checkLength(seg, length, SOCKADDR_IN6_BYTES, "sockaddr_in6");
                byte[] addr = seg.asSlice(IN6_ADDR, IN6_ADDR_BYTES).toArray(JAVA_BYTE);
                int scope = seg.get(JAVA_INT, IN6_SCOPE_ID);
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
     *
     * @param seg    the address
     * @param length the address length: 2..110, within {@code seg}
     * @return the path decoded as UTF-8, up to its NUL; or the abstract name with its leading
     *         {@code '\0'}
     * @throws IllegalArgumentException if the family is not AF_UNIX or {@code length} is out of range
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
            seg.set(JAVA_SHORT, FAMILY, (short) AF_INET);
            seg.set(PORT, IN_PORT, (short) address.getPort());
            MemorySegment.copy(ip.getAddress(), 0, seg, JAVA_BYTE, IN_ADDR, (int) IN_ADDR_BYTES);
            return SOCKADDR_IN_BYTES;
        }
        need(seg, SOCKADDR_IN6_BYTES, "sockaddr_in6");
        seg.asSlice(0, SOCKADDR_IN6_BYTES).fill((byte) 0);
        seg.set(JAVA_SHORT, FAMILY, (short) AF_INET6);
        seg.set(PORT, IN6_PORT, (short) address.getPort());
        MemorySegment.copy(ip.getAddress(), 0, seg, JAVA_BYTE, IN6_ADDR, (int) IN6_ADDR_BYTES);
        seg.set(JAVA_INT, IN6_SCOPE_ID, ((Inet6Address) ip).getScopeId());
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
