package io.uring4j.core;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Keeps {@code docs/opcodes.md} equal to what the single sources say: {@link Opcode} (number,
 * kernel), the {@link Prep} marks (helpers), the {@link Covers} marks (tests) and the probe of
 * this machine. Run with {@code -During4j.writeDocs=true} to rewrite the file after a change.
 */
class OpcodeTableTest {
    private static final Path DOC = Path.of("../docs/opcodes.md");

    static String table() throws Exception {
        Map<Opcode, TreeSet<String>> helpers = new EnumMap<>(Opcode.class);
        for (Method m : OpcodeCoverageTest.prepHelpers()) {
            helpers.computeIfAbsent(m.getAnnotation(Prep.class).value(), k -> new TreeSet<>()).add(m.getName());
        }
        Map<Opcode, List<String>> tests = OpcodeCoverageTest.testedOpcodes();
        Probe probe = Probe.probe();
        StringBuilder sb = new StringBuilder();
        sb.append("# Opcodes\n\n")
          .append("Generated from `Opcode`, the `@Prep` marks on the helpers and the `@Covers` marks on the tests\n")
          .append("by `OpcodeTableTest` (`-During4j.writeDocs=true` rewrites it; the test fails when it is stale).\n")
          .append("\"Here\" is the probe of the machine that generated it: kernel ")
          .append(System.getProperty("os.version")).append(".\n\n")
          .append("| # | opcode | since | here | helpers | tests |\n|---|---|---|---|---|---|\n");
        for (Opcode op : Opcode.values()) {
            List<String> t = tests.getOrDefault(op, List.of());
            sb.append("| ").append(op.code()).append(" | ").append(op.kernelName()).append(" | ").append(op.since())
              .append(" | ").append(probe.supports(op) ? "yes" : "no")
              .append(" | ").append(String.join(", ", helpers.getOrDefault(op, new TreeSet<>())))
              .append(" | ").append(String.join(", ", new TreeSet<>(t))).append(" |\n");
        }
        return sb.toString();
    }

    @Test
    void docsTableIsCurrent() throws Exception {
        assumeTrue(Files.isDirectory(DOC.getParent()), "docs/ not found from " + Path.of("").toAbsolutePath());
        String want = table();
        if (Boolean.getBoolean("uring4j.writeDocs")) {
            Files.writeString(DOC, want);
        }
        String have = Files.exists(DOC) ? Files.readString(DOC) : "";
        // The "here" column and kernel line depend on the machine: compare the rest.
        assertEquals(machineFree(want), machineFree(have), "docs/opcodes.md is stale: run the test with -During4j.writeDocs=true");
    }

    private static String machineFree(String s) {
        return s.replaceAll("kernel [^\\n]*\\.\\n", "kernel X.\n").replaceAll("\\| (yes|no) \\|", "| ? |");
    }
}
