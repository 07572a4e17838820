package io.uring4j.runtime;

import io.uring4j.core.SocketAddresses;
import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** The address a socket is bound to, as getsockname(2) reports it. */
final class LocalAddress {
    private LocalAddress() {
    }

    /** {@code fd}'s local address; a failure names {@code subject}. The caller keeps {@code fd} open meanwhile. */
    static InetSocketAddress of(int fd, Object subject) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(SocketAddresses.SOCKADDR_STORAGE_BYTES);
            MemorySegment len = arena.allocateFrom(JAVA_INT, SocketAddresses.SOCKADDR_STORAGE_BYTES);
            int r = Posix.getsockname(fd, sa, len);
            if (r < 0) throw (IOException) Errors.of(r, "getsockname", subject, false);
            return SocketAddresses.readInet(sa, len.get(JAVA_INT, 0));
        }
    }
}
