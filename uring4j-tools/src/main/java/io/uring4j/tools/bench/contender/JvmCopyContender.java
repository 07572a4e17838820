package io.uring4j.tools.bench.contender;

import com.fasterxml.jackson.databind.JsonNode;
import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.child.BenchChild;
import io.uring4j.tools.bench.env.Availability;

import java.util.LinkedHashMap;
import java.util.Map;

/** A copy contender inside its bench child JVM ({@link BenchChild}'s {@code copy} task, timed there). */
public final class JvmCopyContender extends CopyContender {
    private final String mode;

    /** @param mode the child's copy mode: {@code uring4j}, {@code files-copy} or {@code transferto} */
    public JvmCopyContender(String name, String mode, CopyJob job) {
        super(name, job);
        this.mode = mode;
    }

    @Override
    public String unavailableReason() {
        return mode.equals("uring4j") ? Availability.ioUring() : null;
    }

    @Override
    Copied copy(BenchPlan plan) throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", mode);
        args.put("src", job.src());
        args.put("dst", job.dst());
        JsonNode r = JvmChild.of(name(), plan).call("copy", args, plan.childTimeoutSeconds());
        return new Copied(r.path("bytes").asDouble(), r.path("seconds").asDouble(), r.path("cpu_s").asDouble());
    }
}
