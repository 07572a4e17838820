package io.uring4j.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 9, item 1: the runtime and the tools reach the kernel through core's checked prep helpers
 * only. A raw {@code prepRw(}, the explicitly unchecked SQE view or an unchecked buffer-ring
 * entry ({@code BufferRing.addUnchecked}) in their main sources fails
 * here, so a length can never again be set apart from the segment it was checked against.
 * Reads the sources, so it runs from the module directory (as Maven does) or skips.
 */
class NoUncheckedSqeTest {
    private static final List<String> FORBIDDEN = List.of("prepRw(", ".unchecked()", "UncheckedSqe", "addUnchecked(");

    @Test
    void runtimeAndToolsMainSourcesUseOnlyCheckedHelpers() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path runtime = root.resolve("uring4j-runtime/src/main/java");
        Path tools = root.resolve("uring4j-tools/src/main/java");
        assumeTrue(Files.isDirectory(runtime) && Files.isDirectory(tools), "sources not found from " + Path.of("").toAbsolutePath());
        List<String> found = new ArrayList<>();
        int files = 0;
        for (Path dir : List.of(runtime, tools)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        for (String bad : FORBIDDEN) {
                            if (lines.get(i).contains(bad)) found.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertTrue(files > 20, "scanned " + files + " source files");
        assertEquals(List.of(), found, "use a checked prep helper of core (add one there if none fits)");
    }
}
