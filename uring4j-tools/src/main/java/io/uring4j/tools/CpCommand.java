package io.uring4j.tools;

import io.uring4j.runtime.AsyncFile;
import io.uring4j.runtime.EventLoopGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code uring4j cp SRC DEST}: {@code AsyncFile.copy}, linked splice pairs through pipes (or read-to-write chunks) on io_uring. */
@Command(name = "cp", mixinStandardHelpOptions = true,
        description = {"Copy a file with io_uring (each chunk spliced through a pipe, or read then written), until its end"
                + " of file (FIFOs and /proc files too), keeping its holes.",
                "An existing DEST is replaced, as cp does (through a symbolic link: the file it names), but never the"
                        + " source: SRC and DEST being the same file is an error. The copy goes to a temporary file beside"
                        + " DEST, renamed over it once complete: DEST never holds a partial copy."})
final class CpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "source file")
    Path source;

    @Parameters(index = "1", paramLabel = "DEST", description = "destination file, or a directory to copy into")
    Path destination;

    @Option(names = "--chunk", description = "bytes per chunk, 4096 to 16777216 (default ${DEFAULT-VALUE})", defaultValue = "1048576")
    int chunk;

    @Option(names = "--depth", description = "chunks in flight, 1 to 256 (default ${DEFAULT-VALUE})", defaultValue = "8")
    int depth;

    @Option(names = {"-n", "--no-clobber"}, description = "fail instead of replacing an existing DEST")
    boolean noClobber;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up after this many seconds (default: never)")
    Double timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        Path target = destination;
        if (Files.isDirectory(target) && source.getFileName() != null) {
            target = target.resolve(source.getFileName());
        }
        Path named = target;
        if (Files.isSymbolicLink(target) && Files.exists(target)) {
            target = target.toRealPath(); // as cp: write the file the link names, not replace the link
        }
        if (Files.exists(source) && Files.exists(target) && Files.isSameFile(source, target)) {
            spec.commandLine().getErr().println(Main.prefix(spec.commandLine()) + "'" + source + "' and '" + named
                    + "' are the same file");
            return 1;
        }
        Duration timeout = null;
        if (timeoutSeconds != null) {
            double t = timeoutSeconds;
            if (!(t > 0) || Double.isInfinite(t)) {
                throw new IllegalArgumentException("--timeout must be a positive number of seconds, given " + t);
            }
            long whole = (long) Math.floor(t);
            timeout = Duration.ofSeconds(whole, (long) ((t - whole) * 1e9)); // huge values saturate
        }
        CopyOption[] options = noClobber ? new CopyOption[0] : new CopyOption[] {StandardCopyOption.REPLACE_EXISTING};
        long start = System.nanoTime();
        long n;
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            n = AsyncFile.copy(group, source, target, chunk, depth, timeout, options);
        } catch (FileAlreadyExistsException e) {
            if (!noClobber) throw e;
            throw new FileAlreadyExistsException(e.getFile(), null, "exists, and --no-clobber keeps it");
        }
        if (Main.verbose(spec)) {
            double s = (System.nanoTime() - start) / 1e9;
            spec.commandLine().getErr().printf("%d bytes in %.3f s (%.1f MB/s)%n", n, s, n / s / 1e6);
            spec.commandLine().getErr().flush();
        }
        return 0;
    }
}
