package io.uring4j.tools.bench;

import io.uring4j.tools.bench.env.BenchFiles;
import io.uring4j.tools.bench.env.DiskInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Workload C: 4 KiB random reads with O_DIRECT and 4096-aligned buffers, from a file on tmpfs
 * (/dev/shm: no device, so the software cost shows; O_DIRECT there is a memcpy) and from a file on
 * the disk under the work directory (the device's limit shows). Same contenders as the read
 * workload plus fio libaio, where O_DIRECT makes libaio truly asynchronous.
 */
public final class DirectWorkload implements Workload {
    static final String TMPFS = "tmpfs";
    static final String DISK = "disk";
    private static final Path SHM = Path.of("/dev/shm");

    private final List<String> notes = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private Path tmpfsFile;
    private Path diskFile;

    @Override
    public String name() {
        return "direct";
    }

    @Override
    public String summary() {
        return "O_DIRECT reads";
    }

    @Override
    public String description() {
        return "4 KiB random O_DIRECT reads, tmpfs file (software cost) and disk file (device limit):"
                + " uring4j vs C liburing, fio (io_uring, libaio, psync) and the JDK";
    }

    static long tmpfsBytes(BenchPlan plan) {
        return plan.mode().equals("tiny") ? 16 * BenchFiles.MIB : 256 * BenchFiles.MIB;
    }

    /** The disk file is larger than the reads could ever cache on the way (1 GiB; it is the copy workload's source too). */
    static long diskBytes(BenchPlan plan) {
        return switch (plan.mode()) {
            case "tiny" -> 16 * BenchFiles.MIB;
            case "quick" -> 256 * BenchFiles.MIB;
            default -> 1024 * BenchFiles.MIB;
        };
    }

    static List<Integer> queueDepths(BenchPlan plan) {
        return switch (plan.mode()) {
            case "tiny" -> List.of(8);
            case "quick" -> List.of(32);
            default -> List.of(1, 32, 128);
        };
    }

    /** Where O_DIRECT works here: tmpfs only since Linux 6.6, and some container file systems refuse it. */
    private List<String> places(BenchPlan plan) {
        List<String> places = new ArrayList<>();
        String shm = Files.isDirectory(SHM) ? BenchFiles.directProblem(SHM) : "there is no " + SHM;
        if (shm == null) places.add(TMPFS);
        else skipped.add("tmpfs points left out: " + shm);
        String disk = BenchFiles.directProblem(plan.workDir());
        if (disk == null) places.add(DISK);
        else skipped.add("disk points left out: " + disk);
        return places;
    }

    @Override
    public List<BenchPoint> points(BenchPlan plan) {
        skipped.clear();
        List<BenchPoint> points = new ArrayList<>();
        for (String where : places(plan)) {
            for (int qd : queueDepths(plan)) {
                points.add(BenchPoint.NONE.with(Param.FILE, where).with(Param.QD, qd));
            }
        }
        return points;
    }

    private Path file(BenchPoint p, BenchPlan plan) {
        if (tmpfsFile == null) {
            tmpfsFile = SHM.resolve("uring4j-bench-" + ProcessHandle.current().pid() + "-" + tmpfsBytes(plan) / BenchFiles.MIB + "m.bin");
            diskFile = plan.workDir().resolve("data-" + diskBytes(plan) / BenchFiles.MIB + "m.bin");
        }
        return TMPFS.equals(p.get(Param.FILE)) ? tmpfsFile : diskFile;
    }

    @Override
    public Contender subject(BenchPlan plan) {
        return ReadContenders.subject(true, p -> file(p, plan));
    }

    @Override
    public List<Contender> peers(BenchPlan plan) {
        return ReadContenders.peers(plan, true, p -> file(p, plan));
    }

    @Override
    public void setUp(BenchPlan plan) throws Exception {
        notes.clear();
        List<BenchPoint> points = points(plan);
        notes.addAll(skipped);
        file(BenchPoint.NONE.with(Param.FILE, DISK), plan); // names both files
        if (points.stream().anyMatch(p -> TMPFS.equals(p.get(Param.FILE)))) {
            BenchFiles.ensure(tmpfsFile, tmpfsBytes(plan));
            notes.add("tmpfs file " + tmpfsFile + " (" + tmpfsBytes(plan) / BenchFiles.MIB + " MiB, deleted after the run)");
        }
        if (points.stream().anyMatch(p -> DISK.equals(p.get(Param.FILE)))) {
            BenchFiles.ensure(diskFile, diskBytes(plan));
            notes.add("disk file " + diskFile + " (" + diskBytes(plan) / BenchFiles.MIB + " MiB) on " + DiskInfo.describe(diskFile)
                    + "; no --hipri unless the queue polls, no SQPOLL (it would take one of the two CPUs)");
        }
        notes.addAll(ReadContenders.notes(true));
    }

    @Override
    public void tearDown(BenchPlan plan) {
        try {
            if (tmpfsFile != null) Files.deleteIfExists(tmpfsFile);
        } catch (Exception e) {
            notes.add("could not delete " + tmpfsFile + ": " + e.getMessage());
        }
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }
}
