package io.uring4j.runtime;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The child JVM of {@link AcceptFdExhaustionTest}: runs a server, uses up every fd the process
 * may have, and reports on stdout, one "KEY value" line per step, what an accept does then,
 * how much CPU the process burns while out of fds, and whether accepting works again once fds
 * are free. Every class it needs is loaded before the fds run out (loading a class from a
 * directory opens a file).
 */
public final class AcceptFdExhaustionChild {
    private AcceptFdExhaustionChild() {}

    public static void main(String[] args) throws Exception {
        BufferedReader parent = new BufferedReader(new InputStreamReader(System.in));
        RandomAccessFile stat = new RandomAccessFile("/proc/self/stat", "r"); // opened now: no fd later
        long ticksPerSecond = Long.parseLong(args[0]);
        preloadRuntimeClasses();
        try (EventLoopGroup group = EventLoopGroup.create(1);
             TcpServer server = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16)) {
            warmUp(group, server);
            System.out.println("PORT " + server.localAddress().getPort());
            List<FileInputStream> fillers = new ArrayList<>();
            try {
                while (true) fillers.add(new FileInputStream("/dev/null"));
            } catch (IOException outOfFds) {
                System.out.println("EXHAUSTED " + fillers.size() + " " + outOfFds.getMessage());
            }
            expect(parent, "CONNECTED"); // a client waits in the backlog now
            long start = System.nanoTime();
            try {
                TcpConnection c = server.accept(Duration.ofSeconds(5));
                System.out.println("ACCEPTED_WHILE_EXHAUSTED " + c);
            } catch (IOException e) {
                System.out.println("ACCEPT_FAILED " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms "
                        + e.getClass().getName() + ": " + e.getMessage());
            }
            long cpu0 = cpuTicks(stat);
            Thread.sleep(1000);
            long cpu1 = cpuTicks(stat);
            System.out.println("CPU_MS " + (cpu1 - cpu0) * 1000 / ticksPerSecond);
            for (FileInputStream f : fillers) f.close();
            try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                ByteBuffer b = ByteBuffer.allocate(1);
                c.readAsync(b).get(5, TimeUnit.SECONDS);
                c.write(ByteBuffer.wrap(new byte[] {7}));
                System.out.println("ACCEPTED_AFTER " + c.remoteAddress() + " " + b.get(0));
            }
            expect(parent, "DONE");
        }
    }

    /** utime + stime of the whole process (every thread), in clock ticks, from /proc/self/stat read again at offset 0. */
    private static long cpuTicks(RandomAccessFile stat) throws IOException {
        byte[] b = new byte[1024];
        stat.seek(0);
        int n = stat.read(b);
        String s = new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" "); // fields after "pid (comm) ", from field 3
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
    }

    private static void expect(BufferedReader in, String line) throws IOException {
        String got = in.readLine();
        if (!line.equals(got)) throw new IllegalStateException("expected " + line + " from the test, got " + got);
    }

    /** One accept and a failed connect, so the code of both paths (and of error reporting) is loaded and linked. */
    private static void warmUp(EventLoopGroup group, TcpServer server) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(server.localAddress(), 5000);
            server.accept(Duration.ofSeconds(5)).close();
        }
        try {
            server.accept(Duration.ofMillis(1));
        } catch (IOException timedOut) {
            // loads the timeout path
        }
        InetSocketAddress nobody;
        try (TcpServer gone = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1)) {
            nobody = gone.localAddress();
        }
        try {
            TcpConnection.connect(group, nobody, Duration.ofSeconds(5)).close();
        } catch (IOException refused) {
            // loads the error path: Errors, CallerExceptions, the java.net exceptions
        }
    }

    private static void preloadRuntimeClasses() throws Exception {
        Path root = Path.of(TcpServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isDirectory(root)) return; // a jar stays open: its classes load without a new fd
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = root.relativize(p).toString();
                if (!name.endsWith(".class") || name.equals("module-info.class")) continue;
                Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), true, AcceptFdExhaustionChild.class.getClassLoader());
            }
        }
    }
}
