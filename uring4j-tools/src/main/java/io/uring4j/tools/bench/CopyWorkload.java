package io.uring4j.tools.bench;

import io.uring4j.tools.bench.contender.CopyJob;
import io.uring4j.tools.bench.contender.GnuCpContender;
import io.uring4j.tools.bench.contender.JvmCopyContender;
import io.uring4j.tools.bench.env.BenchFiles;
import io.uring4j.tools.bench.env.DiskInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Workload D: sequential copy of one file (1 GiB; quick 128 MiB, tiny 16 MiB) on the disk, from a
 * cold page cache: GNU cp (copy_file_range), Files.copy, FileChannel.transferTo and uring4j's
 * AsyncFiles.copy (what {@code uring4j cp} runs). One op is one MB (10^6 bytes) copied, so the
 * rate is MB/s and CPU/op is CPU time per MB. Before every copy the destination is deleted, dirty
 * data written back and the page cache dropped (as root); the copy is timed from its first open
 * to its last close with no fsync inside the timing; after it the size is checked, and the
 * first copy of each contender is compared with the source by CRC32C.
 */
public final class CopyWorkload implements Workload {
    private final List<String> notes = new ArrayList<>();
    private final CopyJob job = new CopyJob();
    private Path src;
    private Path dst;

    @Override
    public String name() {
        return "copy";
    }

    @Override
    public String summary() {
        return "sequential file copy";
    }

    @Override
    public String description() {
        return "sequential file copy from a cold cache: uring4j cp (AsyncFiles.copy) vs GNU cp, Files.copy, FileChannel.transferTo";
    }

    @Override
    public String unit() {
        return "MB/s";
    }

    /** 1 GiB; quick 128 MiB, tiny 16 MiB. */
    static long bytes(BenchPlan plan) {
        return switch (plan.mode()) {
            case "tiny" -> 16 * BenchFiles.MIB;
            case "quick" -> 128 * BenchFiles.MIB;
            default -> 1024 * BenchFiles.MIB;
        };
    }

    @Override
    public List<BenchPoint> points(BenchPlan plan) {
        return List.of(BenchPoint.NONE.with(Param.SIZE_MIB, (int) (bytes(plan) / BenchFiles.MIB)));
    }

    private void paths(BenchPlan plan) {
        if (src == null) {
            src = plan.workDir().resolve("data-" + bytes(plan) / BenchFiles.MIB + "m.bin");
            dst = plan.workDir().resolve("copy-destination.bin");
        }
    }

    @Override
    public Contender subject(BenchPlan plan) {
        return new JvmCopyContender("uring4j-cp", "uring4j", job);
    }

    @Override
    public List<Contender> peers(BenchPlan plan) {
        return List.of(new GnuCpContender(job), new JvmCopyContender("jdk-files-copy", "files-copy", job),
                new JvmCopyContender("jdk-transferto", "transferto", job));
    }

    @Override
    public void setUp(BenchPlan plan) throws Exception {
        notes.clear();
        paths(plan);
        BenchFiles.ensure(src, bytes(plan));
        job.begin(src, dst, BenchFiles.crc32c(src));
        notes.add("source " + src + " (" + bytes(plan) / BenchFiles.MIB + " MiB) on " + DiskInfo.describe(src)
                + ", destination in the same directory; fsync is NOT inside the timing");
        notes.add("uring4j-cp = AsyncFiles.copy (1 MiB chunks, 8 in flight, each a splice into a pipe linked to a splice out of it), event loop started"
                + " before the timing; the JVM contenders are timed inside their JVM (no start-up), cp around its process");
        notes.add("CPU/op is CPU time per MB: multiply by " + bytes(plan) / 1_000_000 + " for the CPU seconds of one copy");
    }

    @Override
    public void tearDown(BenchPlan plan) {
        try {
            if (dst != null) Files.deleteIfExists(dst);
        } catch (Exception e) {
            notes.add("could not delete " + dst + ": " + e.getMessage());
        }
        notes.add(job.cachesDropped() ? "page cache dropped before every copy (echo 3 > /proc/sys/vm/drop_caches)"
                : "WARNING: the page cache could NOT be dropped (not root?): copies read a partly warm cache");
        notes.add("the first copy of each contender matched the source's CRC32C: " + job.checksummed());
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }
}
