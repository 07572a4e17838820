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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's hot path: a blocking 4 KiB {@link AsyncFile#read} of a page-cached file from the
 * benchmark thread, handed to a loop thread and back. With {@code -prof gc} it shows what one
 * request allocates: the operation slot, its buffer and its SQE are pooled; the
 * {@code CompletableFuture} and the hand-over task are the per-request objects.
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

    @TearDown(Level.Trial)
    public void close() throws IOException {
        file.close();
        group.close();
        Files.deleteIfExists(path);
    }
}
