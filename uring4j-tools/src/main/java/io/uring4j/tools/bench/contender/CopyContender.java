package io.uring4j.tools.bench.contender;

import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.BenchPoint;
import io.uring4j.tools.bench.Contender;
import io.uring4j.tools.bench.Sample;
import io.uring4j.tools.bench.env.BenchFiles;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A contender of the copy workload: one copy of the {@link CopyJob}'s source, with the
 * bookkeeping every copy contender gets outside its timing (the destination deleted, dirty data
 * written back and the page cache dropped before; the size checked, and the first copy compared
 * with the source by CRC32C, after).
 */
public abstract sealed class CopyContender implements Contender permits GnuCpContender, JvmCopyContender {
    private final String name;
    final CopyJob job;

    CopyContender(String name, CopyJob job) {
        this.name = name;
        this.job = job;
    }

    /** What one copy took: the bytes it says it copied, its wall-clock and its CPU seconds. */
    record Copied(double bytes, double seconds, double cpuSeconds) {}

    @Override
    public String name() {
        return name;
    }

    /** Copies the job's source to its destination. */
    abstract Copied copy(BenchPlan plan) throws Exception;

    @Override
    public Sample measure(BenchPoint point, BenchPlan plan) throws Exception {
        Path src = job.src(), dst = job.dst();
        Files.deleteIfExists(dst);
        job.cacheDropped(BenchFiles.dropCaches());
        Copied r = copy(plan);
        long size = Files.size(src);
        if (!Files.exists(dst) || Files.size(dst) != size || (long) r.bytes() != size) {
            throw new IllegalStateException(name + " copied " + (long) r.bytes() + " bytes, destination has "
                    + (Files.exists(dst) ? Files.size(dst) : -1) + ", source " + size);
        }
        if (job.firstCopy(name) && BenchFiles.crc32c(dst) != job.srcCrc()) {
            job.mismatch(name);
            throw new IllegalStateException(name + ": the copy's CRC32C differs from the source's");
        }
        Files.delete(dst);
        double mb = size / 1e6;
        return new Sample(mb / r.seconds(), r.cpuSeconds() / mb, Double.NaN);
    }
}
