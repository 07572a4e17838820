package io.uring4j.tools.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the kernel holds for a loopback connection, read from {@code /proc/net/tcp} and
 * {@code tcp6}: each end's state and its send and receive queues. A stalled conversation's report
 * says with it which side stopped: bytes waiting in a receive queue nobody reads, or in a send
 * queue the peer does not take.
 */
final class SocketQueues {
    private static final String[] STATES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
            "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};

    private SocketQueues() {
    }

    /** Both ends of the connection between local ports {@code a} and {@code b}, as the kernel sees them. */
    static String describe(int a, int b) {
        List<String> found = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException | RuntimeException e) {
                continue;
            }
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length < 5) continue;
                int local = port(f[1]), remote = port(f[2]);
                if (local == a && remote == b || local == b && remote == a) {
                    int st = Integer.parseInt(f[3], 16);
                    String[] q = f[4].split(":");
                    found.add(String.format(Locale.ROOT, "port %d (peer %d) %s send-q %d recv-q %d", local, remote,
                            st < STATES.length ? STATES[st] : "state " + st, Long.parseLong(q[0], 16), Long.parseLong(q[1], 16)));
                }
            }
        }
        return found.isEmpty() ? "the kernel has no socket between ports " + a + " and " + b : String.join("; ", found);
    }

    private static int port(String hexAddress) {
        int colon = hexAddress.lastIndexOf(':');
        return colon < 0 ? -1 : Integer.parseInt(hexAddress.substring(colon + 1), 16);
    }
}
