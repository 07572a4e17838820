package io.uring4j.core;

import io.uring4j.core.KernelNumberScan.Definition;
import io.uring4j.core.KernelNumberScan.Finding;
import io.uring4j.core.KernelNumberScan.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every kernel number has one home: errno values in {@link Errno}, {@code IORING_*} numbers in
 * the class that names them, socket numbers in {@link SocketConstants}, struct offsets in a
 * layout. {@link KernelNumberScan} says what counts; this test holds core's main sources to it,
 * reports the runtime's and the tools' (enforced there once their migration is done), and shows
 * on planted files that the scan finds what it is meant to find.
 */
class KernelNumberHomeTest {
    private static final Path CORE_MAIN = Path.of("src/main/java");
    private static final Path RUNTIME_MAIN = Path.of("../uring4j-runtime/src/main/java");
    private static final Path TOOLS_MAIN = Path.of("../uring4j-tools/src/main/java");

    private static final KernelNumberScan SCAN = KernelNumberScan.ofCore(CORE_MAIN);

    @Test
    void coreTypesEachKernelNumberOnlyInItsHome() {
        List<Finding> findings = SCAN.scan(CORE_MAIN, Scope.CORE);
        assertEquals(List.of(), findings, () -> "kernel numbers typed outside their home in core:\n"
                + findings.stream().map(Finding::toString).collect(Collectors.joining("\n")));
    }

    /** The scan of core is not empty by accident: it reads the files, the definitions and the published constants. */
    @Test
    void theCoreScanSeesCoresNumbers() {
        List<Definition> defs = SCAN.definitions(CORE_MAIN);
        assertTrue(defs.size() > 200, "numeric definitions seen in core: " + defs.size());
        assertTrue(defs.contains(new Definition("io/uring4j/core/SocketConstants.java", line("SocketConstants.java", "AF_INET6 = 10"),
                "AF_INET6", 10)), "SocketConstants.AF_INET6 is read as a definition");
        assertTrue(defs.stream().anyMatch(d -> d.name().equals("RECV_MULTISHOT") && d.value() == 2
                && d.file().equals("io/uring4j/core/SendRecvOps.java")), "SendRecvOps.RECV_MULTISHOT = 1 << 1 evaluates to 2");
        Map<String, KernelNumberScan.Published> published = KernelNumberScan.publishedBy(CORE_MAIN);
        assertEquals(Set.of("io/uring4j/core/CancelFlags.java"), published.get("ALL").homes());
        assertEquals(2, published.get("CANCEL_FD").value());
        assertEquals(Set.of("io/uring4j/core/NetOps.java"), published.get("ACCEPT_MULTISHOT").homes());
        assertEquals(0x4000, published.get("MSG_NOSIGNAL").value());
        assertTrue(published.get("MSG_NOSIGNAL").homes().containsAll(Set.of("io/uring4j/core/SocketConstants.java",
                "io/uring4j/core/Msghdr.java")), "the home and the class naming it by reference");
        assertNull(published.get("BYTES"), "BYTES is published with many values: a name, not a fact");
    }

    /** The runtime and the tools name every kernel number core owns by core's name (issue 11): no file may type one. */
    @Test
    void runtimeAndToolsUseCoresNumbers() {
        assumeTrue(Files.isDirectory(RUNTIME_MAIN) && Files.isDirectory(TOOLS_MAIN), "runtime and tools sources beside core");
        List<Finding> findings = new ArrayList<>();
        for (Finding f : SCAN.scan(RUNTIME_MAIN, Scope.CLIENT)) findings.add(new Finding("uring4j-runtime: " + f.file(), f.line(), f.kind(), f.detail()));
        for (Finding f : SCAN.scan(TOOLS_MAIN, Scope.CLIENT)) findings.add(new Finding("uring4j-tools: " + f.file(), f.line(), f.kind(), f.detail()));
        assertEquals(List.of(), findings, () -> "kernel numbers typed in runtime/tools instead of named from core:\n"
                + findings.stream().map(Finding::toString).collect(Collectors.joining("\n")));
    }

    // ------------------------------------------------------------------ the scan itself, on planted files

    @Test
    void aPlantedFileGivesOneFindingPerViolation(@TempDir Path root) throws IOException {
        String source = """
                package io.uring4j.runtime;
                final class Planted {
                    private static final int EINTR = 4, EAGAIN = 11;
                    private static final int RECV_MULTISHOT = 1 << 1;
                    static final int IORING_SETUP_SQPOLL = 2;
                    private static final long TAIL_OFFSET = 14;
                    int f(java.lang.foreign.MemorySegment seg, long at, int r) {
                        if (r == -38) return 1;
                        switch (r) { case -22 -> { return 2; } default -> { } }
                        seg.set(java.lang.foreign.ValueLayout.JAVA_INT, 8, r);
                        seg.set(java.lang.foreign.ValueLayout.JAVA_INT, at + 12, r);
                        return seg.asSlice(4, 4).get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
                    }
                    int g(int r) { if (-11 != r) return -62; return 0; }
                }
                """;
        List<Finding> findings = scanPlanted(root, "io/uring4j/runtime/Planted.java", source);
        List<String> got = findings.stream().map(f -> f.line() + " " + f.kind()).toList();
        assertEquals(List.of(
                "3 ERRNO_DEFINITION", "3 ERRNO_DEFINITION",
                "4 DUPLICATE_CONSTANT",
                "5 IORING_DEFINITION",
                "6 LITERAL_OFFSET",
                "8 BARE_ERRNO",
                "9 BARE_ERRNO",
                "10 LITERAL_OFFSET",
                "11 LITERAL_OFFSET",
                "12 LITERAL_OFFSET",
                "14 BARE_ERRNO", "14 BARE_ERRNO"), got, findings.toString());
        assertTrue(findings.get(2).detail().contains("io/uring4j/core/SendRecvOps.java"), findings.get(2).detail());
        assertTrue(findings.get(5).detail().contains("Errno.ENOSYS"), findings.get(5).detail());
    }

    @Test
    void referencesCommentsStringsAndWaiversAreNotFindings(@TempDir Path root) throws IOException {
        String source = """
                package io.uring4j.runtime;
                /** EINVAL = 22 in a comment; {@code IORING_OP_NOP = 0}. */
                final class Clean {
                    private static final int EINTR = io.uring4j.core.Errno.EINTR.code();
                    private static final int CANCEL_ALL = io.uring4j.core.CancelFlags.ALL;
                    private static final int TAG_MAIN = 0, SLOT_BITS = 20;
                    // if (r == -38) and seg.get(JAVA_INT, 8) in a line comment
                    String s = "r == -22, EAGAIN = 11, get(JAVA_INT, 8)";
                    char c = '"';
                    String t = \"""
                        ECANCELED = 125
                        \""";
                    int f(java.lang.foreign.MemorySegment seg, int fd, long at) {
                        if (fd == -1 || fd != -1000) return seg.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
                        seg.set(java.lang.foreign.ValueLayout.JAVA_LONG, at + 8, 0L); // word 1: not a field offset
                        return seg.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, 3) + (fd == -EINTR ? 1 : 0);
                    }
                }
                """;
        List<Finding> findings = scanPlanted(root, "io/uring4j/runtime/Clean.java", source);
        assertEquals(List.of(), findings);
    }

    @Test
    void homesMayDefineTheirOwnNumbersButOnlyThere(@TempDir Path root) throws IOException {
        Path file = root.resolve("io/uring4j/core/RingMemory.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "final class RingMemory { static final long IORING_OFF_CQ_RING = 0x8000000L; }\n");
        Path copy = root.resolve("io/uring4j/core/Copy.java");
        Files.writeString(copy, "final class Copy { static final long IORING_OFF_CQ_RING = 0x8000000L; static final int SOCK_STREAM = 1; }\n");
        Path twice = root.resolve("io/uring4j/core/Twice.java");
        Files.writeString(twice, "final class Twice { private static final int RSRC_FLAG_X = 1 << 3; }\n");
        Path again = root.resolve("io/uring4j/core/Again.java");
        Files.writeString(again, "final class Again { private static final int RSRC_FLAG_X = 8; }\n");
        List<String> got = SCAN.scan(root, Scope.CORE).stream().map(f -> f.file() + " " + f.kind()).toList();
        assertEquals(List.of(
                "io/uring4j/core/Again.java DUPLICATE_CONSTANT",
                "io/uring4j/core/Copy.java IORING_DEFINITION",
                "io/uring4j/core/Copy.java DUPLICATE_CONSTANT",
                "io/uring4j/core/Twice.java DUPLICATE_CONSTANT"), got);
    }

    @Test
    void numbersEvaluateLikeJava() {
        assertEquals(2L, KernelNumberScan.Numbers.evaluate("1 << 1"));
        assertEquals(-100L, KernelNumberScan.Numbers.evaluate("-100"));
        assertEquals(0100L, KernelNumberScan.Numbers.evaluate("0100"));
        assertEquals(0x4000_0000L, KernelNumberScan.Numbers.evaluate("0x4000_0000"));
        assertEquals(-1L, KernelNumberScan.Numbers.evaluate("~0"));
        assertEquals(5L, KernelNumberScan.Numbers.evaluate("(1 << 2) | 1"));
        assertNull(KernelNumberScan.Numbers.evaluate("Errno.EINTR.code()"));
        assertNull(KernelNumberScan.Numbers.evaluate("1 << BIT"));
        assertNull(KernelNumberScan.Numbers.evaluate("a"));
        assertEquals(KernelNumberScan.normalize(Integer.MIN_VALUE), KernelNumberScan.normalize(1L << 31), "1 << 31 as int and as long");
        assertFalse(KernelNumberScan.blankCommentsAndLiterals("x /* EINTR = 4 */ y").contains("EINTR"));
    }

    private static List<Finding> scanPlanted(Path root, String relative, String source) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        return SCAN.scan(root, Scope.CLIENT);
    }

    private static int line(String coreFile, String text) {
        try {
            List<String> lines = Files.readAllLines(CORE_MAIN.resolve("io/uring4j/core").resolve(coreFile));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(text)) return i + 1;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError(text + " not in " + coreFile);
    }
}
