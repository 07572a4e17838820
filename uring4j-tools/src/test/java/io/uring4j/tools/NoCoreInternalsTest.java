package io.uring4j.tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The tools use core and the runtime as any user does (issue 11 item 4): core's internal package
 * is exported to the runtime only, so a tool that imported it would not run on the module path
 * (one exception, {@link #ALLOWED}).
 */
class NoCoreInternalsTest {
    private static final Path MAIN = Path.of("src/main/java");
    /**
     * The one tool allowed: the soak raises RLIMIT_NOFILE with getrlimit/setrlimit, which have no
     * io_uring form; core's Posix is the one home of that number and of the downcall.
     */
    private static final List<String> ALLOWED = List.of("io/uring4j/tools/soak/FdLimit.java");

    @Test
    void noToolImportsCoresInternalPackage() throws IOException {
        assumeTrue(Files.isDirectory(MAIN), "sources not found from " + Path.of("").toAbsolutePath());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(MAIN)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() > 50, "scanned " + files.size() + " files");
        List<String> found = files.stream().filter(p -> {
            try {
                return Files.readString(p).contains("io.uring4j.core.internal");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).map(p -> MAIN.relativize(p).toString()).filter(f -> !ALLOWED.contains(f)).sorted().toList();
        assertEquals(List.of(), found, "tools that reach into io.uring4j.core.internal");
    }
}
