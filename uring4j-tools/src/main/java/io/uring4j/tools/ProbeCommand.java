package io.uring4j.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uring4j.core.BitFlag;
import io.uring4j.core.Feature;
import io.uring4j.core.IoUring;
import io.uring4j.core.IoUringParams;
import io.uring4j.core.Opcode;
import io.uring4j.core.Probe;
import io.uring4j.core.SetupFlag;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** {@code uring4j probe}: what io_uring offers on this machine. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Print the kernel release, io_uring features, accepted setup flags and every opcode with its support.",
        footerHeading = "%nWhat each line says:%n",
        footer = {"kernel: the running kernel's release.",
                "features: the IORING_FEAT_ flags the kernel sets in io_uring_params.features when a ring is set up.",
                "setup flags: the IORING_SETUP_ flags that io_uring_setup accepts, each tried alone on a small ring"
                        + " (ATTACH_WQ is not tried: it needs a second ring).",
                "opcodes: how many opcodes this kernel supports (IORING_REGISTER_PROBE); last is "
                        + ProbeCommand.LAST_OP_MEANING + ".",
                "Then a line per opcode: its number, its name, whether this kernel supports it (yes or no), and the first"
                        + " kernel release that has it.",
                "With --json the same fields: opcodes_supported is the count, last_op is last."})
final class ProbeCommand implements Callable<Integer> {
    /** What {@code last N} means, on the opcodes line and in the help. */
    static final String LAST_OP_MEANING = "the highest opcode number this kernel knows";

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            return probe(out);
        } finally {
            out.flush();
        }
    }

    private int probe(PrintWriter out) {
        String kernel = kernelRelease();
        if (!IoUring.isAvailable()) {
            String why = IoUring.unavailabilityCause().getMessage();
            if (json) {
                out.println(unavailableJson(kernel, why));
            } else {
                out.println("kernel:    " + kernel);
                out.println("io_uring:  NOT available: " + why);
            }
            return 1;
        }
        int features;
        Probe probe;
        try (IoUring ring = IoUring.open(2)) {
            features = ring.featuresMask();
            probe = Probe.of(ring);
        }
        List<SetupFlag> accepted = acceptedSetupFlags();
        if (json) {
            printJson(out, kernel, features, accepted, probe);
        } else {
            printText(out, kernel, features, accepted, probe);
        }
        return 0;
    }

    /** Each setup flag tried alone on a small ring (with the flags it cannot go without). */
    static List<SetupFlag> acceptedSetupFlags() {
        List<SetupFlag> ok = new ArrayList<>();
        for (SetupFlag f : SetupFlag.values()) {
            IoUringParams p = IoUringParams.create().tryNoSqArray(false).flags(f);
            switch (f) {
                case CQSIZE -> p.cqEntries(8);
                case SQ_AFF -> p.flags(SetupFlag.SQPOLL).sqThreadCpu(0);
                case TASKRUN_FLAG -> p.flags(SetupFlag.COOP_TASKRUN);
                case DEFER_TASKRUN -> p.flags(SetupFlag.SINGLE_ISSUER);
                case REGISTERED_FD_ONLY -> p.flags(SetupFlag.NO_MMAP);
                case ATTACH_WQ -> { continue; } // needs a second ring; covered by tests
                default -> { }
            }
            try (IoUring ignored = IoUring.open(4, p)) {
                ok.add(f);
            } catch (RuntimeException e) {
                // not accepted by this kernel (or needs privileges)
            }
        }
        return ok;
    }

    /** Each terse figure says what it counts, in parentheses: the lines are read by people (--json is for programs). */
    private static void printText(PrintWriter out, String kernel, int features, List<SetupFlag> accepted, Probe probe) {
        Opcode[] known = Opcode.values();
        int highestKnown = Arrays.stream(known).mapToInt(Opcode::code).max().orElse(-1);
        out.println("kernel:       " + kernel);
        out.println("io_uring:     available");
        out.println("features:     " + BitFlag.names(Feature.class, features) + " (" + Integer.bitCount(features)
                + " IORING_FEAT_ flags, set by the kernel at ring setup)");
        out.println("setup flags:  " + String.join("|", accepted.stream().map(Enum::name).toList())
                + " (" + accepted.size() + " of the " + SetupFlag.values().length
                + " IORING_SETUP_ flags accepted, each tried alone; ATTACH_WQ not tried: it needs a second ring)");
        out.println("opcodes:      " + probe.supportedCount() + " supported, last " + probe.lastOp() + " (" + LAST_OP_MEANING
                + (probe.lastOp() > highestKnown ? "; uring4j knows 0 to " + highestKnown + ", the ones above are not listed" : "")
                + ")");
        out.println("  each opcode: its number, its name, whether this kernel supports it, the first kernel release with it");
        int width = 0;
        for (Opcode op : known) width = Math.max(width, op.name().length());
        for (Opcode op : known) {
            out.printf("  %2d %-" + width + "s  %-3s  (since %s)%n", op.code(), op.name(),
                    probe.supports(op) ? "yes" : "no", op.since());
        }
    }

    private static void printJson(PrintWriter out, String kernel, int features, List<SetupFlag> accepted, Probe probe) {
        out.println(json(kernel, features, accepted, probe.supportedCount(), probe.lastOp(), List.of(Opcode.values()),
                probe::supports));
    }

    /** The --json line when io_uring cannot be used here. */
    static String unavailableJson(String kernel, String why) {
        return Json.write(Json.object().put("kernel", kernel).put("available", false).put("reason", why));
    }

    /** The --json line: {@code opcodes} lists {@code ops}, each with whether {@code supported} says the kernel has it. */
    static String json(String kernel, int features, List<SetupFlag> accepted, int supportedCount, int lastOp, List<Opcode> ops,
                       Predicate<Opcode> supported) {
        ObjectNode doc = Json.object().put("kernel", kernel).put("available", true);
        ArrayNode names = doc.putArray("features");
        for (Feature f : EnumSet.allOf(Feature.class)) {
            if ((features & f.mask()) != 0) names.add(f.name());
        }
        doc.put("features_mask", features);
        ArrayNode flags = doc.putArray("setup_flags_accepted");
        accepted.forEach(f -> flags.add(f.name()));
        doc.put("opcodes_supported", supportedCount).put("last_op", lastOp);
        ArrayNode opcodes = doc.putArray("opcodes");
        for (Opcode op : ops) {
            opcodes.addObject().put("code", op.code()).put("name", op.name()).put("since", op.since())
                    .put("supported", supported.test(op));
        }
        return Json.write(doc);
    }

    static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (Exception e) {
            return System.getProperty("os.version");
        }
    }
}
