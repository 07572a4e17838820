package io.uring4j.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.uring4j.core.IoUring;
import io.uring4j.tools.bench.contender.JvmChild;
import io.uring4j.tools.bench.env.BenchFiles;
import io.uring4j.tools.bench.env.ChildProcess;
import io.uring4j.tools.bench.env.DiskInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Workload D: sequential copy of one file (1 GiB; quick 128 MiB, tiny 16 MiB) on the disk, from a
 * cold page cache: GNU cp (copy_file_range), Files.copy, FileChannel.transferTo and uring4j's
 * AsyncFile.copy (what {@code uring4j cp} runs). One op is one MB (10^6 bytes) copied, so the
 * rate is MB/s and CPU/op is CPU time per MB. Before every copy the destination is deleted, dirty
 * data written back and the page cache dropped (as root); the copy is timed from its first open
 * to its last close with no fsync inside the timing; after it the size is checked, and the
 * first copy of each contender is compared with the source by CRC32C.
 */
public final class CopyWorkload implements Workload {
    private final List<String> notes = new ArrayList<>();
    private final Set<String> checksummed = new HashSet<>();
    private Path src;
    private Path dst;
    private long srcCrc;
    private boolean cachesDropped = true;

    @Override
    public String name() {
        return "copy";
    }

    @Override
    public String description() {
        return "sequential file copy from a cold cache: uring4j cp (AsyncFile.copy) vs GNU cp, Files.copy, FileChannel.transferTo";
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
        return new JvmCopy("uring4j-cp", "uring4j", plan);
    }

    @Override
    public List<Contender> peers(BenchPlan plan) {
        return List.of(new GnuCp(plan), new JvmCopy("jdk-files-copy", "files-copy", plan), new JvmCopy("jdk-transferto", "transferto", plan));
    }

    @Override
    public void setUp(BenchPlan plan) throws Exception {
        notes.clear();
        checksummed.clear();
        paths(plan);
        BenchFiles.ensure(src, bytes(plan));
        srcCrc = BenchFiles.crc32c(src);
        notes.add("source " + src + " (" + bytes(plan) / BenchFiles.MIB + " MiB) on " + DiskInfo.describe(src)
                + ", destination in the same directory; fsync is NOT inside the timing");
        notes.add("uring4j-cp = AsyncFile.copy (1 MiB chunks, 8 in flight, each a splice into a pipe linked to a splice out of it), event loop started"
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
        notes.add(cachesDropped ? "page cache dropped before every copy (echo 3 > /proc/sys/vm/drop_caches)"
                : "WARNING: the page cache could NOT be dropped (not root?): copies read a partly warm cache");
        notes.add("the first copy of each contender matched the source's CRC32C: " + checksummed);
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** One copy with the bookkeeping every contender gets, outside its timing. */
    private abstract class CopyContender implements Contender {
        private final String name;

        CopyContender(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        /** Copies src to dst; returns {bytes, seconds, cpu seconds}. */
        abstract double[] copy(BenchPlan plan) throws Exception;

        @Override
        public Sample measure(BenchPoint point, BenchPlan plan) throws Exception {
            Files.deleteIfExists(dst);
            cachesDropped &= BenchFiles.dropCaches();
            double[] r = copy(plan);
            long size = Files.size(src);
            if (!Files.exists(dst) || Files.size(dst) != size || (long) r[0] != size) {
                throw new IllegalStateException(name + " copied " + (long) r[0] + " bytes, destination has "
                        + (Files.exists(dst) ? Files.size(dst) : -1) + ", source " + size);
            }
            if (checksummed.add(name) && BenchFiles.crc32c(dst) != srcCrc) {
                checksummed.remove(name);
                throw new IllegalStateException(name + ": the copy's CRC32C differs from the source's");
            }
            Files.delete(dst);
            double mb = size / 1e6;
            return new Sample(mb / r[1], r[2] / mb, Double.NaN);
        }
    }

    /** GNU cp under bash, whose {@code times} reports the CPU time of its children. */
    private final class GnuCp extends CopyContender {
        private static final Pattern TIME = Pattern.compile("(\\d+)m([0-9.]+)s\\s+(\\d+)m([0-9.]+)s");

        GnuCp(BenchPlan plan) {
            super("cp");
        }

        @Override
        public String unavailableReason() {
            return ChildProcess.onPath("cp") && ChildProcess.onPath("bash") ? null : "cp or bash is not on the PATH";
        }

        @Override
        double[] copy(BenchPlan plan) throws Exception {
            List<String> cmd = new ArrayList<>(plan.pinPrefix());
            cmd.addAll(List.of("bash", "-c", "cp -- \"$0\" \"$1\" && times", src.toString(), dst.toString()));
            long t0 = System.nanoTime();
            ChildProcess.Output o = ChildProcess.run(cmd, plan.childTimeoutSeconds());
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (o.exitCode() != 0) throw new IllegalStateException("cp exited with " + o.exitCode() + ": " + o.stderrTail());
            String[] lines = o.stdout().strip().split("\n");
            Matcher m = TIME.matcher(lines[lines.length - 1]);
            if (!m.find()) throw new IllegalStateException("no CPU times from bash: " + o.stdout());
            double cpu = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                    + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
            return new double[] {Files.size(dst), seconds, cpu};
        }
    }

    /** A copy inside a bench child JVM. */
    private final class JvmCopy extends CopyContender {
        private final String mode;

        JvmCopy(String name, String mode, BenchPlan plan) {
            super(name);
            this.mode = mode;
        }

        @Override
        public String unavailableReason() {
            if (mode.equals("uring4j") && !IoUring.isAvailable()) {
                return "io_uring is not available: " + IoUring.unavailabilityCause().getMessage();
            }
            return null;
        }

        @Override
        double[] copy(BenchPlan plan) throws Exception {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("mode", mode);
            args.put("src", src);
            args.put("dst", dst);
            JsonNode r = JvmChild.of(name(), plan).call("copy", args, plan.childTimeoutSeconds());
            return new double[] {r.path("bytes").asDouble(), r.path("seconds").asDouble(), r.path("cpu_s").asDouble()};
        }
    }
}
