package io.uring4j.runtime;

import java.net.SocketOption;

/**
 * Socket options uring4j supports beyond {@link java.net.StandardSocketOptions}, for
 * {@link TcpConnection#setOption} and {@link TcpConnection#getOption}.
 */
public final class UringSocketOptions {
    private UringSocketOptions() {}

    /**
     * {@code TCP_USER_TIMEOUT} (tcp(7), Linux 2.6.37): how many milliseconds sent data may stay
     * unacknowledged (or the peer's window stay zero) before the kernel drops the connection;
     * 0 means the system default. Values below 0 are refused.
     */
    public static final SocketOption<Integer> TCP_USER_TIMEOUT = new Option<>("TCP_USER_TIMEOUT", Integer.class);

    private record Option<T>(String name, Class<T> type) implements SocketOption<T> {
        @Override
        public String toString() {
            return name;
        }
    }
}
