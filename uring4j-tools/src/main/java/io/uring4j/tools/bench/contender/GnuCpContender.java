package io.uring4j.tools.bench.contender;

import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.env.ChildProcess;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GNU cp (copy_file_range) as a copy contender, under bash, whose {@code times} reports the CPU time of its children. */
public final class GnuCpContender extends CopyContender {
    private static final Pattern TIME = Pattern.compile("(\\d+)m([0-9.]+)s\\s+(\\d+)m([0-9.]+)s");

    /** The contender {@code cp}, copying {@code job}'s files. */
    public GnuCpContender(CopyJob job) {
        super("cp", job);
    }

    @Override
    public String unavailableReason() {
        return ChildProcess.onPath("cp") && ChildProcess.onPath("bash") ? null : "cp or bash is not on the PATH";
    }

    @Override
    Copied copy(BenchPlan plan) throws Exception {
        List<String> cmd = new ArrayList<>(plan.pinPrefix());
        cmd.addAll(List.of("bash", "-c", "cp -- \"$0\" \"$1\" && times", job.src().toString(), job.dst().toString()));
        long t0 = System.nanoTime();
        ChildProcess.Output o = ChildProcess.run(cmd, plan.childTimeoutSeconds());
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (o.exitCode() != 0) throw new IllegalStateException("cp exited with " + o.exitCode() + ": " + o.stderrTail());
        String[] lines = o.stdout().strip().split("\n");
        Matcher m = TIME.matcher(lines[lines.length - 1]);
        if (!m.find()) throw new IllegalStateException("no CPU times from bash: " + o.stdout());
        double cpu = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
        return new Copied(Files.size(job.dst()), seconds, cpu);
    }
}
