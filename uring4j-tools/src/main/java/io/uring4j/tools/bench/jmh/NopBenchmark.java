package io.uring4j.tools.bench.jmh;

import io.uring4j.core.Cqe;
import io.uring4j.core.CqeHandler;
import io.uring4j.core.IoUring;
import io.uring4j.core.SetupFlag;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Workload A of the benchmark plan: NOP submit and reap through the raw core API, the library's
 * own overhead with no I/O behind it. The C peer is {@code src/main/c/nop_bench.c}; both use a
 * 256-entry SINGLE_ISSUER|DEFER_TASKRUN ring and the same loop.
 *
 * <p><b>Unit.</b> One benchmark invocation is one batch: {@code batch} NOPs, one
 * {@code io_uring_enter}, one reap. JMH's score is therefore <em>batches</em> per second, and
 * {@code gc.alloc.rate.norm} is bytes per batch; the bench harness multiplies the score by
 * {@code batch} (and divides the allocation by it) to report per-NOP figures. That is exact,
 * because every invocation completes exactly {@code batch} NOPs. The alternatives were worse:
 * {@code @OperationsPerInvocation} takes a compile-time constant, so it cannot follow a
 * {@code @Param}; {@code @AuxCounters} would add a counter update to the measured code and a
 * second result to read, for a number that is a multiplication away.
 *
 * <p>Run directly: {@code java -cp 'uring4j-tools.jar:lib/*' org.openjdk.jmh.Main NopBenchmark
 * -prof gc} (the {@link Fork} below supplies the JVM flags); {@code uring4j bench nop} runs it
 * interleaved with the C peer and does the arithmetic.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"}) // the last: JMH itself still uses sun.misc.Unsafe
public class NopBenchmark {
    /** The ring size of the NOP comparison (both contenders). */
    public static final int RING_ENTRIES = 256;

    @Param({"1", "8", "32", "128"})
    int batch;

    /** Whether the ring fd is registered, so each enter skips the fd table lookup. */
    @Param({"false", "true"})
    boolean registeredRingFd;

    private IoUring ring;
    /** Allocated once: reaping must not allocate a handler (or a capturing lambda) per call. */
    private final Counter counter = new Counter();

    /** Counts the CQEs handed to it; reset per batch. */
    static final class Counter implements CqeHandler {
        int count;

        @Override
        public void handle(Cqe cqe) {
            count++;
        }
    }

    /**
     * Opens the ring on the benchmark thread: with SINGLE_ISSUER the kernel binds the ring to
     * the task that creates it, and only that task may submit.
     */
    @Setup(Level.Trial)
    public void open() {
        if (batch < 1 || batch > RING_ENTRIES) {
            throw new IllegalArgumentException("batch must be 1.." + RING_ENTRIES + ", given " + batch);
        }
        ring = IoUring.open(RING_ENTRIES, SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN);
        if (registeredRingFd) {
            ring.registerRingFd();
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        ring.close();
    }

    /** One batch: {@code batch} NOPs submitted with one enter that also waits for all of them. */
    @Benchmark
    public void submitAndWait(Blackhole bh) {
        IoUring r = ring;
        int n = batch;
        for (int i = 0; i < n; i++) {
            r.getSqe().prepNop().userData(i);
        }
        r.submitAndWait(n);
        Counter c = counter;
        c.count = 0;
        r.forEachCqe(c);
        if (c.count != n) {
            throw new IllegalStateException("reaped " + c.count + " CQEs for a batch of " + n);
        }
        bh.consume(c.count);
    }
}
