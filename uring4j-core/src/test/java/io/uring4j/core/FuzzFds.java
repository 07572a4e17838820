package io.uring4j.core;

import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The file descriptors and paths a fuzz scenario may let the kernel act on: its own, made fresh
 * for each scenario, so that no fuzzed request can touch an fd the JVM uses (its jars, stdout,
 * the test runner's pipes) or a file outside the scenario's temp directory.
 *
 * <p>Fuzzed fd arguments are mapped into {@link #pool} (or into numbers no process can have open);
 * a CLOSE only ever gets a {@link #closable} fd: one of the victims made for it or an fd a
 * request of this scenario returned. Socket addresses are abstract unix names with this JVM's
 * prefix, so a connect or bind reaches nothing but the scenario's own listener, and no
 * address family but AF_UNIX ever gets a socket ({@link FuzzArgs} keeps socket domains to it).
 *
 * <p>{@link #close} closes the pool and then every fd opened since the harness started that is a
 * socket, a pipe, an anonymous inode or a file under the temp directory: fds requests created and
 * nobody reaped (the ring was closed first) or that a CQE handed back.
 */
final class FuzzFds implements AutoCloseable {
    /** The one socket domain fuzzed requests may create: no packet ever leaves the machine. */
    static final int AF_UNIX_DOMAIN = Posix.AF_UNIX;
    /** fd numbers no process can have open (above fs.nr_open), and negative ones. */
    static final int[] INVALID = {-1, -2, Integer.MIN_VALUE, 1 << 30, Integer.MAX_VALUE, 0x7FFF_0000};

    private static final Path ROOT = tempRoot();
    private static final Set<Integer> BASELINE = openFds();
    private static int scenarios;

    final Path dir;
    final int file, dirFd, pipeRead, pipeWrite, sockA, sockB, listener, client, eventFd, epollFd;
    final List<Integer> pool = new ArrayList<>();
    final List<Integer> closable = new ArrayList<>();
    /** The abstract name the scenario's listener is bound to ({@code sun_path} bytes, leading NUL). */
    final byte[] listenerName;

    FuzzFds(FuzzInput in) {
        try {
            dir = Files.createDirectory(ROOT.resolve("s" + scenarios++));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        file = check(Posix.open(dir.resolve("f").toString(), Posix.O_RDWR | Posix.O_CREAT | Posix.O_CLOEXEC, 0600), "open");
        dirFd = check(Posix.open(dir.toString(), 0 | 0200000 /* O_DIRECTORY */ | Posix.O_CLOEXEC, 0), "open dir");
        int[] p = new int[2];
        check(Posix.pipe(p, Posix.O_CLOEXEC | (in.bool() ? Posix.O_NONBLOCK : 0)), "pipe");
        pipeRead = p[0];
        pipeWrite = p[1];
        check(Posix.socketpair(Posix.AF_UNIX, in.pick(Posix.SOCK_STREAM, Posix.SOCK_SEQPACKET, Posix.SOCK_DGRAM) | Posix.SOCK_CLOEXEC, 0, p), "socketpair");
        sockA = p[0];
        sockB = p[1];
        eventFd = check(Posix.eventfd(in.intIn(0, 2), Posix.EFD_CLOEXEC | (in.bool() ? Posix.EFD_NONBLOCK : 0)), "eventfd");
        epollFd = check(Posix.epollCreate1(Posix.O_CLOEXEC), "epoll_create1");
        listenerName = ("\0uring4j-fuzz-" + ProcessHandle.current().pid() + "-" + scenarios).getBytes(StandardCharsets.US_ASCII);
        listener = check(Posix.socket(Posix.AF_UNIX, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC, 0), "socket");
        client = check(Posix.socket(Posix.AF_UNIX, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC | Posix.SOCK_NONBLOCK, 0), "socket");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = unixAddress(a, listenerName);
            check(Posix.bind(listener, sa, (int) sa.byteSize()), "bind");
            check(Posix.listen(listener, 8), "listen");
            if (in.bool()) {
                check(Posix.connect(client, sa, (int) sa.byteSize()), "connect"); // one connection waits to be accepted
            }
        }
        pool.addAll(List.of(file, dirFd, pipeRead, pipeWrite, sockA, sockB, listener, client, eventFd, epollFd));
        for (int i = in.intIn(0, 2); i > 0; i--) {
            closable.add(check(Posix.eventfd(0, Posix.EFD_CLOEXEC), "eventfd"));
        }
    }

    /** A {@code sockaddr_un} with {@code sunPath} (abstract when it starts with NUL). */
    static MemorySegment unixAddress(java.lang.foreign.SegmentAllocator alloc, byte[] sunPath) {
        MemorySegment sa = alloc.allocate(2 + sunPath.length, 2);
        sa.set(JAVA_SHORT, 0, (short) Posix.AF_UNIX);
        MemorySegment.copy(sunPath, 0, sa, JAVA_BYTE, 2, sunPath.length);
        return sa;
    }

    /** A fuzzed fd argument: one of the pool, or a number that cannot be open. */
    int fd(FuzzInput in) {
        return in.oneIn(8) ? in.pick(INVALID) : in.pick(pool);
    }

    /** A CLOSE target: taken out of {@link #closable} (the number is the kernel's from then on), or invalid. */
    int closableFd(FuzzInput in) {
        if (closable.isEmpty() || in.oneIn(4)) return in.pick(INVALID);
        return closable.remove(in.intIn(0, closable.size() - 1));
    }

    /** An fd a CQE returned: the scenario's to close, or to hand to a later CLOSE. */
    void returned(int fd) {
        if (fd >= 0 && !BASELINE.contains(fd) && !pool.contains(fd) && !closable.contains(fd)) closable.add(fd);
    }

    @Override
    public void close() {
        for (int fd : pool) Posix.close(fd);
        for (int fd : openFds()) {
            if (BASELINE.contains(fd)) continue;
            String link = link(fd);
            if (link != null && (link.startsWith("socket:") || link.startsWith("pipe:") || link.startsWith("anon_inode:")
                    || link.startsWith(ROOT.toString()))) {
                Posix.close(fd);
            }
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cleaning " + dir, e);
        }
    }

    /** The number of fds open in this process now (to show that scenarios leak none). */
    static int openFdCount() {
        return openFds().size();
    }

    static Path root() {
        return ROOT;
    }

    private static Set<Integer> openFds() {
        Set<Integer> fds = new HashSet<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            s.forEach(p -> fds.add(Integer.parseInt(p.getFileName().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }

    private static String link(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return null; // closed meanwhile (the listing's own directory fd)
        }
    }

    private static int check(int r, String what) {
        if (r < 0) throw new IllegalStateException("fuzz harness: " + what + " failed: " + Errno.describe(r));
        return r;
    }

    private static Path tempRoot() {
        try {
            Path root = Files.createTempDirectory("uring4j-fuzz");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Stream<Path> all = Files.walk(root)) {
                    all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // best effort at exit
                }
            }));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
