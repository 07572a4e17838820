package io.uring4j.tools.bench.jmh;

import io.uring4j.runtime.AsyncFile;
import io.uring4j.runtime.EventLoopGroup;
import io.uring4j.runtime.FileOpenOption;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The runtime's hot paths, 4 KiB reads of a page-cached file. {@code read}: one blocking
 * {@link AsyncFile#read} from the benchmark thread, handed to a loop thread and back; with
 * {@code -prof gc} it shows what such a request allocates (the operation slot, its buffer and its
 * SQE are pooled; the {@code CompletableFuture} and the hand-over task are per request).
 * {@code handlerChain}: {@value #CHAIN} reads each issued by the previous one's
 * {@link CompletionHandler} on the loop thread, the way an event-driven application reads; the
 * chain's start and its wake-up of the benchmark thread are shared by its reads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "--enable-native-access=ALL-UNNAMED"})
public class RuntimeReadBenchmark {
    @Param({"false", "true"})
    public boolean direct;

    private EventLoopGroup group;
    private AsyncFile file;
    private Path path;
    private ByteBuffer buffer;
    private long position;

    @Setup(Level.Trial)
    public void open() throws IOException {
        path = Files.createTempFile("uring4j-jmh", ".bin");
        Files.write(path, new byte[1 << 20]);
        group = EventLoopGroup.create(1);
        file = AsyncFile.open(group, path, FileOpenOption.REGISTERED);
        buffer = direct ? ByteBuffer.allocateDirect(4096) : ByteBuffer.allocate(4096);
    }

    @Benchmark
    public int read() throws IOException {
        position = (position + 4096) & ((1 << 20) - 1);
        return file.read(buffer.clear(), position);
    }

    static final int CHAIN = 1024;
    private final Chain chain = new Chain();

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public int handlerChain() throws Exception {
        return chain.run();
    }

    /** Reads {@link #CHAIN} blocks one after the other, each from the previous one's completion. */
    private final class Chain implements CompletionHandler<Integer, Void> {
        private int left;
        private int total;
        private Throwable failure;
        private volatile boolean done;
        private Thread waiter;

        int run() throws Exception {
            left = CHAIN;
            total = 0;
            done = false;
            waiter = Thread.currentThread();
            next();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!done) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("the read chain stalled at " + left);
                LockSupport.parkNanos(this, 1_000_000);
            }
            if (failure != null) throw new IllegalStateException(failure);
            return total;
        }

        private void next() {
            position = (position + 4096) & ((1 << 20) - 1);
            file.read(buffer.clear(), position, null, this);
        }

        @Override
        public void completed(Integer n, Void unused) {
            total += n;
            if (--left > 0) {
                next();
            } else {
                done = true;
                LockSupport.unpark(waiter);
            }
        }

        @Override
        public void failed(Throwable t, Void unused) {
            failure = t;
            done = true;
            LockSupport.unpark(waiter);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        file.close();
        group.close();
        Files.deleteIfExists(path);
    }
}
