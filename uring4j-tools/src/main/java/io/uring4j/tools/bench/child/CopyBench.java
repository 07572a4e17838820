package io.uring4j.tools.bench.child;

import io.uring4j.runtime.AsyncFile;
import io.uring4j.runtime.AsyncFiles;
import io.uring4j.tools.Json;
import io.uring4j.runtime.EventLoopGroup;

import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * One file copy, timed from the first open to the last close (no fsync: the harness syncs and
 * drops caches outside the timing). Modes: {@code files-copy} ({@link Files#copy}),
 * {@code transferto} ({@link FileChannel#transferTo} in a loop), {@code uring4j}
 * ({@link AsyncFile#copy}, as {@code uring4j cp} does; its event loop is started before the
 * timing, as a server's would be).
 */
final class CopyBench {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private CopyBench() {}

    static String run(Map<String, String> args) throws Exception {
        Path src = Path.of(BenchChild.required(args, "src"));
        Path dst = Path.of(BenchChild.required(args, "dst"));
        String mode = BenchChild.required(args, "mode");
        EventLoopGroup group = mode.equals("uring4j") ? EventLoopGroup.create(1) : null;
        try {
            long cpu0 = OS.getProcessCpuTime();
            long t0 = System.nanoTime();
            long bytes = switch (mode) {
                case "files-copy" -> {
                    Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
                    yield Files.size(dst);
                }
                case "transferto" -> transferTo(src, dst);
                case "uring4j" -> AsyncFiles.copy(group, src, dst, StandardCopyOption.REPLACE_EXISTING);
                default -> throw new IllegalArgumentException("unknown copy mode " + mode);
            };
            long t1 = System.nanoTime();
            long cpu1 = OS.getProcessCpuTime();
            return result(bytes, (t1 - t0) / 1e9, (cpu1 - cpu0) / 1e9);
        } finally {
            if (group != null) group.close();
        }
    }

    /** The JSON result line: bytes copied, wall-clock and CPU seconds. */
    static String result(long bytes, double seconds, double cpuSeconds) {
        return Json.write(Json.object().put("bytes", bytes).put("seconds", Json.fixed(seconds, 6))
                .put("cpu_s", Json.fixed(cpuSeconds, 6)));
    }

    private static long transferTo(Path src, Path dst) throws Exception {
        try (FileChannel in = FileChannel.open(src, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(dst, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = in.size(), pos = 0;
            while (pos < size) {
                long n = in.transferTo(pos, size - pos, out);
                if (n <= 0) throw new IllegalStateException("transferTo moved " + n + " bytes at " + pos + " of " + size);
                pos += n;
            }
            return pos;
        }
    }
}
