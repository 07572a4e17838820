package io.uring4j.tools;

import io.uring4j.runtime.AsyncFile;
import io.uring4j.runtime.EventLoopGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

/** {@code uring4j cp SRC DST}: {@code AsyncFile.copy}, linked splice pairs through pipes (or read-to-write chunks) on io_uring. */
@Command(name = "cp", mixinStandardHelpOptions = true,
        description = "Copy a file with io_uring (each chunk spliced through a pipe, or read then written) and check the size copied.")
final class CpCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "source file")
    Path source;

    @Parameters(index = "1", description = "destination file (created or truncated)")
    Path destination;

    @Option(names = "--chunk", description = "bytes per chunk (default ${DEFAULT-VALUE})", defaultValue = "1048576")
    int chunk;

    @Option(names = "--depth", description = "chunks in flight (default ${DEFAULT-VALUE})", defaultValue = "8")
    int depth;

    @Option(names = "--verbose", description = "print bytes and throughput")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (Files.isDirectory(destination)) {
            destination = destination.resolve(source.getFileName());
        }
        long start = System.nanoTime();
        long n;
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            n = AsyncFile.copy(group, source, destination, chunk, depth, null, StandardCopyOption.REPLACE_EXISTING);
        }
        long expected = Files.size(source);
        long got = Files.size(destination);
        if (n != expected || got != expected) {
            System.err.println("uring4j cp: copied " + n + " bytes, destination has " + got + ", source has " + expected);
            return 1;
        }
        if (verbose) {
            double s = (System.nanoTime() - start) / 1e9;
            System.err.printf("%d bytes in %.3f s (%.1f MB/s)%n", n, s, n / s / 1e6);
        }
        return 0;
    }
}
