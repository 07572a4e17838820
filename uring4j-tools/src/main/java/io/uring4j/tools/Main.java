package io.uring4j.tools;

import io.uring4j.tools.bench.BenchCommand;
import io.uring4j.tools.soak.SoakCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.function.Consumer;

/**
 * The {@code uring4j} command. A failure of any subcommand is one line on standard error,
 * {@code uring4j SUBCOMMAND: what failed: cause}, exit status 1 ({@link CliErrors}); a usage
 * error (a bad number, an unknown option) is one such line too, exit status 2. {@code --verbose}
 * adds a line per cause, {@code --debug} the stack trace.
 */
@Command(name = "uring4j", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        description = "io_uring for Java: probe the kernel, copy and cat files, serve TCP echo, benchmark.",
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:The command did its work.", "1:It failed: one line on standard error says what and why.",
                "2:A usage error (an unknown option, a bad value): one line on standard error too."},
        subcommands = {ProbeCommand.class, CpCommand.class, CatCommand.class, EchoServerCommand.class, BenchCommand.class, SoakCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print its causes too (cp: also the bytes copied and the throughput).")
    boolean verbose;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On an error, print its stack trace too, for a bug report (as " + CliErrors.DEBUG_ENV + "=1 does).")
    boolean debug;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with uring4j's error reporting; tests run it in-process. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        CliErrors.install(cl);
        cl.setUsageHelpAutoWidth(true); // the terminal's width (80 when it has none): long lines wrap less
        everySubcommand(cl, sub -> sub.getCommandSpec().versionProvider(new BuildVersion())); // `uring4j cp --version` too
        return cl;
    }

    /** Runs {@code action} on every subcommand of {@code cl}, at any depth. */
    static void everySubcommand(CommandLine cl, Consumer<CommandLine> action) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            action.accept(sub);
            everySubcommand(sub, action);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Whether {@code --verbose} was given to the command of {@code spec} or to one above it. */
    static boolean verbose(CommandLine.Model.CommandSpec spec) {
        for (CommandLine.Model.CommandSpec s = spec; s != null; s = s.parent()) {
            CommandLine.ParseResult p = s.commandLine().getParseResult();
            if (p != null && p.hasMatchedOption("--verbose")) return true;
        }
        return false;
    }
}
