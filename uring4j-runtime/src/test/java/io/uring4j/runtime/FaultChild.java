package io.uring4j.runtime;

import io.uring4j.core.IoUring;
import io.uring4j.core.Probe;
import io.uring4j.testing.ChildReport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.uring4j.testing.ChildReport.outcome;
import static io.uring4j.testing.ChildReport.put;

/**
 * Scenario side of the fault-injection tests: runs in a child JVM that a fault was put on
 * (seccomp filter, resource limit), calls every public entry point and reports, as
 * {@code key=value} lines, what each did ({@code ok} or the exception's class and message),
 * and the process's fds, native bytes, uring4j threads and CPU use around the calls. The tests
 * decide what is right.
 */
final class FaultChild {
    private FaultChild() {}

    static final Duration TIMEOUT = Duration.ofSeconds(3);
    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /**
     * Availability, then every entry point twice (the first round loads the
     * classes its failure paths need, so the second round's fd and native-memory counts compare
     * like with like), then the threads left and the CPU used while idle.
     */
    public static void main(String[] args) throws Exception {
        put("available", IoUring.isAvailable());
        put("cause", IoUring.unavailabilityCause() == null ? "" : IoUring.unavailabilityCause().getMessage());
        Path file = Files.createTempFile("uring4j-fault", ".txt");
        try {
            Files.writeString(file, "fault injection");
            for (int round = 1; round <= 2; round++) {
                if (round == 2) {
                    awaitNoLoopThreads(); // a failed loop may still be closing its ring (see SeccompFaultTest)
                    put("fds.before", ChildReport.openFds());
                    put("native.before", EventLoopGroup.nativeBytes());
                }
                entryPoints("r" + round + ".", file);
            }
            failedCreatesHoldNothing();
            awaitNoLoopThreads();
            put("fds.after", ChildReport.openFds());
            put("native.after", EventLoopGroup.nativeBytes());
            put("fds.list", ChildReport.fdList());
            put("threads", String.join(",", ChildReport.threads("uring4j-loop-")));
            ChildReport.idleCpu("idle", "uring4j-", 300);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * When {@code EventLoopGroup.create} throws, the loop's ring and eventfd must be closed
     * already (a caller that retries, or counts its fds, must not see them): ten failed creates,
     * each followed at once by an fd count. Reports the most fds and native bytes seen beyond
     * the counts before ({@code create.fdsRightAfter}, {@code create.nativeRightAfter}).
     */
    static void failedCreatesHoldNothing() {
        int fds = 0, failed = 0;
        long bytes = 0;
        for (int i = 0; i < 10; i++) {
            int before = ChildReport.openFds();
            long nativeBefore = EventLoopGroup.nativeBytes();
            try {
                EventLoopGroup.create(1).close();
            } catch (RuntimeException expected) {
                failed++;
                fds = Math.max(fds, ChildReport.openFds() - before);
                bytes = Math.max(bytes, EventLoopGroup.nativeBytes() - nativeBefore);
            }
        }
        put("create.failed", failed);
        put("create.fdsRightAfter", fds);
        put("create.nativeRightAfter", bytes);
    }

    /** Waits (up to 2 s) for the threads of failed or closed loops to end. */
    static void awaitNoLoopThreads() throws InterruptedException {
        awaitLoopThreads(0);
    }

    /** Waits (up to 2 s) until at most {@code running} uring4j threads are left (the loops still open). */
    static void awaitLoopThreads(int running) throws InterruptedException {
        for (int i = 0; i < 200 && ChildReport.threads("uring4j-loop-").size() > running; i++) {
            Thread.sleep(10);
        }
    }

    /** Each entry point once; {@code p} prefixes the keys. */
    static void entryPoints(String p, Path file) {
        outcome(p + "ioUring.open", () -> IoUring.open(8).close());
        outcome(p + "ioUring.nop", () -> {
            try (IoUring ring = IoUring.open(8)) {
                ring.getSqe().prepNop();
                ring.submitAndWait(1);
            }
        });
        outcome(p + "ioUring.probe", () -> {
            try (IoUring ring = IoUring.open(8)) {
                Probe.of(ring);
            }
        });
        outcome(p + "group.create", () -> EventLoopGroup.create(1).close());
        outcome(p + "group.createDefault", () -> EventLoopGroup.create().close());
        EventLoopGroup group = outcome(p + "group", () -> EventLoopGroup.create(1));
        if (group == null) {
            return; // every other entry point needs a group
        }
        try (group) {
            runtimeEntryPoints(p, group, file);
        }
    }

    /** The runtime's entry points on a group that did start; the file ones only with a {@code file}. */
    static void runtimeEntryPoints(String p, EventLoopGroup group, Path file) {
        if (file != null) fileEntryPoints(p, group, file);
        socketEntryPoints(p, group);
    }

    static void fileEntryPoints(String p, EventLoopGroup group, Path file) {
        outcome(p + "file.read", () -> {
            try (AsyncFile f = AsyncFile.open(group, file)) {
                ByteBuffer b = ByteBuffer.allocateDirect(64);
                int n = f.read(b, 0);
                if (n != 15) throw new AssertionError("read " + n + " bytes, expected 15");
            }
        });
        outcome(p + "file.copy", () -> {
            Path copy = file.resolveSibling(file.getFileName() + ".copy");
            try {
                long n = AsyncFiles.copy(group, file, copy);
                if (n != 15 || !Files.readString(copy).equals("fault injection")) throw new AssertionError("copied " + n + " bytes");
            } finally {
                Files.deleteIfExists(copy);
            }
        });
    }

    static void socketEntryPoints(String p, EventLoopGroup group) {
        outcome(p + "tcp", () -> {
            try (TcpServer server = TcpServer.bind(group, LOOPBACK, 8);
                 TcpConnection client = TcpConnection.connect(group, server.localAddress(), TIMEOUT);
                 TcpConnection accepted = server.accept(TIMEOUT)) {
                client.write(ByteBuffer.wrap(new byte[] {42}));
                ByteBuffer one = ByteBuffer.allocate(1);
                int n = accepted.read(one, TIMEOUT);
                if (n != 1 || one.get(0) != 42) throw new AssertionError("received " + n + " bytes");
            }
        });
        outcome(p + "udp", () -> {
            try (MessageSocket a = MessageSocket.udp(group, LOOPBACK); MessageSocket b = MessageSocket.udp(group, LOOPBACK)) {
                a.sendTo(ByteBuffer.wrap(new byte[] {7}), b.localAddress());
                MessageSocket.Received r = b.receive(ByteBuffer.allocate(8), TIMEOUT);
                if (r.length() != 1) throw new AssertionError("received " + r);
            }
        });
    }
}
