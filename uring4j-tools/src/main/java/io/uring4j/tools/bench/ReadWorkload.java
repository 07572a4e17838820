package io.uring4j.tools.bench;

import io.uring4j.tools.bench.env.BenchFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Workload B: 4 KiB random reads of a file held in the page cache (256 MiB; 16 MiB in tiny mode),
 * QD 1, 32 and 128 (quick and tiny: 32, the point the targets are set at, which keeps
 * {@code bench --quick} under two minutes). The file is warmed by reading it before the run
 * and before every point, and its residency is checked with fincore each time and at the end.
 */
public final class ReadWorkload implements Workload {
    private final List<String> notes = new ArrayList<>();
    private Path file;

    @Override
    public String name() {
        return "read";
    }

    @Override
    public String summary() {
        return "page-cache 4 KiB random reads";
    }

    @Override
    public String description() {
        return "4 KiB random reads of a page-cached file: uring4j core and runtime vs C liburing, fio and the JDK";
    }

    static long fileBytes(BenchPlan plan) {
        return plan.mode().equals("tiny") ? 16 * BenchFiles.MIB : 256 * BenchFiles.MIB;
    }

    static List<Integer> queueDepths(BenchPlan plan) {
        return switch (plan.mode()) {
            case "tiny", "quick" -> List.of(32);
            default -> List.of(1, 32, 128);
        };
    }

    @Override
    public List<BenchPoint> points(BenchPlan plan) {
        return queueDepths(plan).stream().map(qd -> BenchPoint.NONE.with(Param.QD, qd)).toList();
    }

    private Path file(BenchPlan plan) {
        if (file == null) file = plan.workDir().resolve("data-" + fileBytes(plan) / BenchFiles.MIB + "m.bin");
        return file;
    }

    @Override
    public Contender subject(BenchPlan plan) {
        return ReadContenders.subject(false, p -> file(plan));
    }

    @Override
    public List<Contender> peers(BenchPlan plan) {
        return ReadContenders.peers(plan, false, p -> file(plan));
    }

    @Override
    public void setUp(BenchPlan plan) throws Exception {
        notes.clear();
        BenchFiles.ensure(file(plan), fileBytes(plan));
        BenchFiles.warm(file);
        notes.add("file " + file + " (" + fileBytes(plan) / BenchFiles.MIB + " MiB, buffered reads, fio with --invalidate=0);"
                + " residency after warming, before the first point: " + BenchFiles.residency(file));
        notes.addAll(ReadContenders.notes(false));
    }

    @Override
    public void beforePoint(BenchPoint point, BenchPlan plan) throws Exception {
        BenchFiles.warm(file);
        BenchFiles.Residency r = BenchFiles.residency(file);
        if (r.fraction() < 0.99) notes.add("WARNING before " + point + ": only " + r + " after warming");
    }

    @Override
    public void tearDown(BenchPlan plan) {
        try {
            if (file != null) notes.add("residency after the last point: " + BenchFiles.residency(file));
        } catch (Exception e) {
            notes.add("residency after the last point unknown: " + e.getMessage());
        }
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }
}
