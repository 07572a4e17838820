package io.uring4j.tools.bench.env;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the disk under a file is (device, file system, queue settings), for the report. */
public final class DiskInfo {
    private DiskInfo() {}

    /** "/dev/vda (ext4), queue: io_poll=0 nr_requests=256 scheduler=[none] ..." or what could be found out. */
    public static String describe(Path file) {
        try {
            ChildProcess.Output o = ChildProcess.run(List.of("findmnt", "-n", "-o", "SOURCE,FSTYPE", "-T",
                    file.toAbsolutePath().getParent().toString()), 30);
            if (o.exitCode() != 0 || o.stdout().isBlank()) return "an unknown device";
            String[] f = o.stdout().strip().split("\\s+");
            String dev = f[0], fs = f.length > 1 ? f[1] : "?";
            StringBuilder sb = new StringBuilder(dev).append(" (").append(fs).append(")");
            Path queue = Path.of("/sys/class/block", Path.of(dev).getFileName().toString());
            if (Files.exists(queue.resolve("partition"))) queue = queue.toRealPath().getParent();
            queue = queue.resolve("queue");
            if (Files.isDirectory(queue)) {
                sb.append(", queue:");
                for (String knob : List.of("io_poll", "nr_requests", "scheduler", "rotational", "logical_block_size")) {
                    Path k = queue.resolve(knob);
                    if (Files.isReadable(k)) sb.append(' ').append(knob).append('=').append(Files.readString(k).strip());
                }
            }
            return sb.toString();
        } catch (Exception e) {
            return "an unknown device (" + e.getMessage() + ")";
        }
    }
}
