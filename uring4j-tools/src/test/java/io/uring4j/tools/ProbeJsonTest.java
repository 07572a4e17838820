package io.uring4j.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.uring4j.core.IoUring;
import io.uring4j.core.Opcode;
import io.uring4j.core.Probe;
import io.uring4j.core.SetupFlag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static io.uring4j.tools.JsonAssert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14 item 8: {@code uring4j probe --json} keeps its schema. The document for fixed figures
 * is the one the hand-written JSON gave (resources json/probe*.json), and the command run in
 * this JVM prints exactly that document for this machine's figures.
 */
@Timeout(60)
class ProbeJsonTest {
    /** Needs every escape: a quote, a backslash, a newline, a tab, a control character, non-ASCII. */
    static final String ODD = "6.1.0-\"odd\" \\ build\n\t\u0001 é ü 日本";

    private static final int FEATURES = 1 | 1 << 1 | 1 << 3 | 1 << 5 | 1 << 8 | 1 << 30;

    @Test
    void fixedFiguresGiveTheSameDocument() {
        String json = ProbeCommand.json(ODD, FEATURES, List.of(SetupFlag.IOPOLL, SetupFlag.CQSIZE, SetupFlag.CLAMP), 40, 57,
                List.of(Opcode.NOP, Opcode.READV, Opcode.WRITEV, Opcode.FSYNC), op -> op != Opcode.WRITEV);
        assertSameAsResource("probe", json);
        assertFalse(json.contains("\n"), "one line");
    }

    @Test
    void noFeaturesNoFlagsNoOpcodes() {
        assertSameAsResource("probe-empty", ProbeCommand.json("", 0, List.of(), 0, 0, List.of(), op -> true));
    }

    @Test
    void unavailableGivesTheSameDocument() {
        assertSameAsResource("probe-unavailable", ProbeCommand.unavailableJson(ODD, "io_uring_setup: \"EPERM\"\r\n\\ \u001f"));
    }

    @Test
    void theCommandPrintsThatDocumentForThisMachine() {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute("probe", "--json");
        String printed = out.toString();
        assertTrue(printed.endsWith("\n") && printed.indexOf('\n') == printed.length() - 1, "one line: " + printed);
        JsonNode doc = parse(printed, "probe --json");
        if (!IoUring.isAvailable()) {
            assertEquals(1, status, err.toString());
            assertEquals(List.of("kernel", "available", "reason"), fieldNames(doc));
            assertSameJson(ProbeCommand.unavailableJson(ProbeCommand.kernelRelease(),
                    IoUring.unavailabilityCause().getMessage()), printed);
            return;
        }
        assertEquals(0, status, err.toString());
        assertEquals(List.of("kernel", "available", "features", "features_mask", "setup_flags_accepted", "opcodes_supported",
                "last_op", "opcodes"), fieldNames(doc));
        assertTrue(doc.get("available").isBoolean() && doc.get("features_mask").isInt() && doc.get("last_op").isInt(), printed);
        assertEquals(Opcode.values().length, doc.get("opcodes").size());
        assertEquals(List.of("code", "name", "since", "supported"), fieldNames(doc.get("opcodes").get(0)));
        int features;
        Probe probe;
        try (IoUring ring = IoUring.open(2)) {
            features = ring.featuresMask();
            probe = Probe.of(ring);
        }
        assertSameJson(ProbeCommand.json(ProbeCommand.kernelRelease(), features, ProbeCommand.acceptedSetupFlags(),
                probe.supportedCount(), probe.lastOp(), List.of(Opcode.values()), probe::supports), printed);
    }
}
