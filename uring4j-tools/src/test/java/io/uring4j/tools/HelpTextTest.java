package io.uring4j.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14 item 6, point 2: no help text is cut off mid-sentence. Every command's description
 * is made of full sentences (the first one alone is what the list of commands shows), every
 * option and parameter says what it does in a sentence, and the rendered help holds each of them
 * whole. The help takes the terminal's width.
 */
@Timeout(30)
class HelpTextTest {
    /** The command and each subcommand, as {@code uring4j} runs them. */
    private static List<CommandLine> everyCommand() {
        CommandLine root = Main.commandLine();
        List<CommandLine> all = new ArrayList<>(List.of(root));
        Main.everySubcommand(root, all::add);
        return all;
    }

    private static String normalized(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    /** A sentence: starts with a capital letter (or a lowercase name such as io_uring) and ends with a full stop. */
    private static void assertSentence(String what, String text) {
        assertFalse(text.isBlank(), what + " has no text");
        assertFalse(text.contains("...") || text.contains("…"), what + " is truncated: " + text);
        assertTrue(text.endsWith("."), what + " does not end with a full stop: '" + text + "'");
        char first = text.charAt(0);
        assertTrue(Character.isUpperCase(first) || text.startsWith("io_uring"), what + " does not start a sentence: '" + text + "'");
    }

    @Test
    void everyDescriptionIsWholeSentences() {
        for (CommandLine cl : everyCommand()) {
            CommandSpec spec = cl.getCommandSpec();
            String name = spec.qualifiedName();
            String[] description = spec.usageMessage().description();
            assertTrue(description.length > 0, name + " has a description");
            // Each element is a line of its own in the help: one that ends mid-sentence reads as cut off.
            for (String line : description) assertSentence(name + "'s description line", line);
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (ArgSpec a : args) {
                String label = a.isOption() ? ((CommandLine.Model.OptionSpec) a).longestName() : a.paramLabel();
                assertSentence(name + " " + label, String.join(" ", a.description()));
            }
        }
    }

    @Test
    void theRenderedHelpHoldsEveryDescriptionWhole() {
        for (CommandLine cl : everyCommand()) {
            String help = normalized(cl.getUsageMessage(CommandLine.Help.Ansi.OFF));
            CommandSpec spec = cl.getCommandSpec();
            for (String line : spec.usageMessage().description()) {
                assertTrue(help.contains(normalized(line)), spec.qualifiedName() + " help holds '" + line + "':\n" + help);
            }
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (ArgSpec a : args) {
                String text = normalized(String.join(" ", a.description()));
                int variable = text.indexOf("${");
                String literal = variable < 0 ? text : text.substring(0, variable); // ${DEFAULT-VALUE} is filled in
                assertTrue(help.contains(literal), spec.qualifiedName() + " help holds '" + literal + "':\n" + help);
            }
            // The list of commands shows each one's first description line: a whole sentence.
            for (CommandLine sub : cl.getSubcommands().values()) {
                String first = normalized(sub.getCommandSpec().usageMessage().description()[0]);
                assertTrue(help.contains(sub.getCommandName() + " " + first), spec.qualifiedName() + " lists " + first + ":\n" + help);
            }
        }
    }

    @Test
    void theHelpTakesTheTerminalsWidth() {
        for (CommandLine cl : everyCommand()) {
            assertTrue(cl.isUsageHelpAutoWidth(), cl.getCommandSpec().qualifiedName());
        }
    }

    @Test
    void helpExitsZeroWithTheUsageOnStandardOutput() {
        for (CommandLine c : everyCommand()) {
            List<String> args = new ArrayList<>(List.of(c.getCommandSpec().qualifiedName().split(" ")));
            args.removeFirst(); // "uring4j"
            args.add("--help");
            CommandLine cl = Main.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            assertEquals(0, cl.execute(args.toArray(String[]::new)), String.join(" ", args));
            assertTrue(out.toString().startsWith("Usage: " + c.getCommandSpec().qualifiedName()), out.toString());
            assertEquals("", err.toString());
        }
    }
}
