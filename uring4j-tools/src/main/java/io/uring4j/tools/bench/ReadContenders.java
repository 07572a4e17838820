package io.uring4j.tools.bench;

import io.uring4j.tools.bench.contender.CProgramContender;
import io.uring4j.tools.bench.contender.FioContender;
import io.uring4j.tools.bench.contender.JvmChild;
import io.uring4j.tools.bench.contender.JvmReadContender;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The contenders of the 4 KiB random-read workloads (read: page cache; direct: O_DIRECT), all
 * reading the same file at the same point: the lean C liburing loop, fio, the JDK's four ways,
 * and uring4j's core ring and runtime. Every Java contender runs in its own long-lived pinned JVM
 * ({@link JvmChild}).
 */
final class ReadContenders {
    private ReadContenders() {}

    /** Everything but the subject, in the order they run at each repetition. */
    static List<Contender> peers(BenchPlan plan, boolean direct, Function<BenchPoint, Path> file) {
        List<Contender> peers = new ArrayList<>();
        peers.add(new CProgramContender("liburing-c", "read_bench", plan, (p, pl) -> {
            List<String> args = new ArrayList<>();
            if (direct) args.addAll(List.of("--direct", "--eager"));
            args.add("--warmup=" + BenchPlan.secondsArg(pl.warmupSeconds()));
            args.addAll(List.of(file.apply(p).toString(), Integer.toString(p.get(Param.QD)),
                    BenchPlan.secondsArg(pl.measureSeconds())));
            return args;
        }));
        peers.add(new FioContender("fio-io_uring", "io_uring", direct, file));
        if (direct) peers.add(new FioContender("fio-libaio", "libaio", true, file));
        peers.add(new FioContender("fio-psync", "psync", direct, file));
        peers.add(new JvmReadContender("jdk-filechannel", "filechannel", 1, direct, file));
        peers.add(new JvmReadContender("jdk-filechannel-2t", "filechannel", 2, direct, file));
        peers.add(new JvmReadContender("jdk-filechannel-vthreads", "vthreads", 0, direct, file));
        peers.add(new JvmReadContender("jdk-async-filechannel", "async", 0, direct, file));
        peers.add(new JvmReadContender("uring4j-runtime", "runtime", 0, direct, file));
        return peers;
    }

    static Contender subject(boolean direct, Function<BenchPoint, Path> file) {
        return new JvmReadContender("uring4j-core", "core", 0, direct, file);
    }

    /** Notes every read workload's report carries: what each contender does. */
    static List<String> notes(boolean direct) {
        return List.of(
                "liburing-c = src/main/c/read_bench.c: QD-entry SINGLE_ISSUER|DEFER_TASKRUN ring, registered file,"
                        + " READ_FIXED into registered buffers, one io_uring_submit_and_wait(1) per loop"
                        + (direct ? ", and (--eager, as fio) each refilled read submitted at once" : "")
                        + "; uring4j-core = the same loop on uring4j's core API in a JVM (UringReads.core)",
                "uring4j-runtime = AsyncFile opened with FileOpenOption.REGISTERED on one EventLoop, QD direct"
                        + " buffers each with a read in flight (AsyncFile.read with a CompletionHandler), the next read issued from the handler on the loop thread",
                "jdk-filechannel: FileChannel.read(dst, pos) on 1 thread; -2t: 2 threads (both on the one pinned CPU,"
                        + " the CPU budget of every contender); -vthreads: QD virtual threads; jdk-async-filechannel:"
                        + " AsynchronousFileChannel (a thread pool doing blocking preads on Linux) with QD reads outstanding;"
                        + " fio-psync is synchronous (depth 1 at every QD)",
                "Java contenders check every read (each 4 KiB block carries its index); read_bench checks its last"
                        + " reads against pread; CPU/op of the JVMs counts all their threads (JIT and GC included)",
                "ops are counted from completion counters read at the window's edges; latency: read_bench and"
                        + " uring4j-core time each batch (two clock reads per submit_and_wait), the others time one read"
                        + " in 8 from issue to completion (fio: its own total-latency percentiles)");
    }
}
