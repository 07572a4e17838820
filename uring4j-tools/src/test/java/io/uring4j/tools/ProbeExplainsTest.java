package io.uring4j.tools;

import io.uring4j.core.IoUring;
import io.uring4j.core.Probe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14 item 6, point 5: {@code uring4j probe} says what its terse figures are, on the lines
 * themselves ("last 62" is the highest opcode number the kernel knows) and in its help.
 */
@Timeout(30)
class ProbeExplainsTest {
    private static String run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute(args), String.join(" ", args) + "; stderr: " + err);
        return out.toString();
    }

    @Test
    void everyFigureOfTheTextSaysWhatItIs() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
        int lastOp;
        try (IoUring ring = IoUring.open(2)) {
            lastOp = Probe.of(ring).lastOp();
        }
        List<String> lines = run("probe").lines().toList();
        String opcodes = lines.stream().filter(l -> l.startsWith("opcodes:")).findFirst().orElseThrow();
        assertTrue(opcodes.contains("last " + lastOp + " (the highest opcode number this kernel knows"), opcodes);
        String features = lines.stream().filter(l -> l.startsWith("features:")).findFirst().orElseThrow();
        assertTrue(features.matches(".* \\(\\d+ IORING_FEAT_ flags, set by the kernel at ring setup\\)"), features);
        String setup = lines.stream().filter(l -> l.startsWith("setup flags:")).findFirst().orElseThrow();
        assertTrue(setup.matches(".* \\(\\d+ of the \\d+ IORING_SETUP_ flags accepted, each tried alone; ATTACH_WQ not tried: it needs a second ring\\)"),
                setup);
        int legend = lines.indexOf("  each opcode: its number, its name, whether this kernel supports it, the first kernel release with it");
        assertEquals(lines.indexOf(opcodes) + 1, legend, "the legend comes right before the opcode table:\n" + String.join("\n", lines));
        assertTrue(lines.get(legend + 1).matches(" +0 NOP +(yes|no) +\\(since 5\\.1\\)"), lines.get(legend + 1));
    }

    @Test
    void theHelpExplainsEveryLine() {
        String help = run("probe", "--help").replaceAll("\\s+", " ");
        for (String field : List.of("kernel: the running kernel's release.",
                "features: the IORING_FEAT_ flags",
                "setup flags: the IORING_SETUP_ flags that io_uring_setup accepts",
                "last is the highest opcode number this kernel knows.",
                "whether this kernel supports it (yes or no), and the first kernel release that has it.",
                "last_op is last.")) {
            assertTrue(help.contains(field), "'" + field + "' in: " + help);
        }
    }
}
