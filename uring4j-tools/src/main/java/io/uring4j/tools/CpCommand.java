package io.uring4j.tools;

import io.uring4j.runtime.AsyncFile;
import io.uring4j.runtime.AsyncFiles;
import io.uring4j.runtime.EventLoopGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code uring4j cp SRC DEST}: {@code AsyncFiles.copy}, linked splice pairs through pipes (or read-to-write chunks) on io_uring. */
@Command(name = "cp", mixinStandardHelpOptions = true,
        description = {"Copy a file with io_uring (each chunk spliced through a pipe, or read then written), until its end"
                + " of file (FIFOs and /proc files too), keeping its holes.",
                "An existing DEST is replaced, as cp does (through a symbolic link: the file it names), but never the"
                        + " source: SRC and DEST being the same file is an error. The copy goes to a temporary file beside"
                        + " DEST, renamed over it once complete: DEST never holds a partial copy."})
final class CpCommand implements Callable<Integer> {
    private static final int MIN_CHUNK = 4096;
    private static final int MAX_CHUNK = 16 * 1024 * 1024;
    private static final int MAX_DEPTH = 256;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "The file to copy.")
    Path source;

    /** A string, not a Path: Path drops the trailing slash by which DEST says it must be a directory. */
    @Parameters(index = "1", paramLabel = "DEST", description = "The file to write, or a directory to copy into (DEST/ must be one).")
    String destination;

    @Option(names = "--chunk", paramLabel = "BYTES", description = "Bytes per chunk, 4096 to 16777216 (default ${DEFAULT-VALUE}).",
            defaultValue = "1048576")
    int chunk;

    @Option(names = "--depth", paramLabel = "N", description = "Chunks in flight, 1 to 256 (default ${DEFAULT-VALUE}).", defaultValue = "8")
    int depth;

    @Option(names = {"-n", "--no-clobber"}, description = "Fail instead of replacing an existing DEST.")
    boolean noClobber;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this many seconds (default: never).")
    Double timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        Duration timeout = checkOptions();
        Path target = Path.of(destination);
        if (destination.endsWith("/") && !Files.isDirectory(target)) { // as cp: "DIR/" names a directory, never a new file
            CliErrors.report(spec.commandLine(), destination + ": " + (Files.exists(target) ? "not a directory" : "no such directory"));
            return CliErrors.FAILED;
        }
        if (Files.isDirectory(target) && source.getFileName() != null) {
            target = target.resolve(source.getFileName());
        }
        Path named = target;
        if (Files.isSymbolicLink(target) && Files.exists(target)) {
            target = target.toRealPath(); // as cp: write the file the link names, not replace the link
        }
        if (Files.exists(source) && Files.exists(target) && Files.isSameFile(source, target)) {
            CliErrors.report(spec.commandLine(), "'" + source + "' and '" + named + "' are the same file");
            return CliErrors.FAILED;
        }
        CopyOption[] options = noClobber ? new CopyOption[0] : new CopyOption[] {StandardCopyOption.REPLACE_EXISTING};
        long start = System.nanoTime();
        long n;
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            n = AsyncFiles.copy(group, source, target, chunk, depth, timeout, options);
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

    /**
     * Usage errors (exit status 2) for option values out of range, before anything is opened (the
     * ranges are AsyncFiles.copy's); the timeout, or null for none.
     */
    private Duration checkOptions() {
        if (chunk < MIN_CHUNK || chunk > MAX_CHUNK) {
            throw new ParameterException(spec.commandLine(), "--chunk must be " + MIN_CHUNK + " to " + MAX_CHUNK + " bytes, given " + chunk);
        }
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new ParameterException(spec.commandLine(), "--depth must be 1 to " + MAX_DEPTH + " chunks, given " + depth);
        }
        if (timeoutSeconds == null) return null;
        double t = timeoutSeconds;
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new ParameterException(spec.commandLine(), "--timeout must be a positive number of seconds, given " + t);
        }
        long whole = (long) Math.floor(t);
        return Duration.ofSeconds(whole, (long) ((t - whole) * 1e9)); // huge values saturate
    }
}
