package io.uring4j.tools;

import io.uring4j.tools.bench.BenchCommand;
import io.uring4j.tools.soak.SoakCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The {@code uring4j} command. A failure of any subcommand is one line on standard error,
 * {@code uring4j SUBCOMMAND: what went wrong} (with {@code --verbose}, one more line per cause),
 * and exit status 1; never a stack trace. Usage errors (a bad number, an unknown option) are
 * picocli's: the error, the usage, exit status 2.
 */
@Command(name = "uring4j", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        description = "io_uring for Java: probe the kernel, copy and cat files, serve TCP echo, benchmark.",
        subcommands = {ProbeCommand.class, CpCommand.class, CatCommand.class, EchoServerCommand.class, BenchCommand.class, SoakCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print its causes too (cp: also the bytes copied and the throughput).")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with uring4j's error reporting; tests run it in-process. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::failed);
        everySubcommand(cl, sub -> sub.getCommandSpec().versionProvider(new BuildVersion())); // `uring4j cp --version` too
        return cl;
    }

    /** Runs {@code action} on every subcommand of {@code cl}, at any depth. */
    static void everySubcommand(CommandLine cl, java.util.function.Consumer<CommandLine> action) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            action.accept(sub);
            everySubcommand(sub, action);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** An exception out of a subcommand: its one-line description (and causes with --verbose), exit status 1. */
    private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        err.println(prefix(command) + describe(e));
        if (verbose(parsed)) {
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                err.println("  caused by " + c.getClass().getName() + ": " + describe(c));
            }
        }
        err.flush();
        return 1;
    }

    /** {@code "uring4j cp: "} for the command that failed. */
    static String prefix(CommandLine command) {
        String name = command.getCommandName();
        return name.equals("uring4j") ? "uring4j: " : "uring4j " + name + ": ";
    }

    /** Whether {@code --verbose} was given, before or after the subcommand's name. */
    static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) return true;
        }
        return false;
    }

    /** Whether {@code --verbose} was given to the command of {@code spec} or to one above it. */
    static boolean verbose(CommandLine.Model.CommandSpec spec) {
        for (CommandLine.Model.CommandSpec s = spec; s != null; s = s.parent()) {
            CommandLine.ParseResult p = s.commandLine().getParseResult();
            if (p != null && p.hasMatchedOption("--verbose")) return true;
        }
        return false;
    }

    /** One line saying what {@code t} is about: its message, or what its type means when it has none. */
    static String describe(Throwable t) {
        if (t instanceof FileSystemException f && f.getReason() == null) { // the JDK's: only the file's name
            String what = switch (f) {
                case NoSuchFileException x -> "no such file or directory";
                case FileAlreadyExistsException x -> "already exists";
                case AccessDeniedException x -> "permission denied";
                case DirectoryNotEmptyException x -> "directory not empty";
                case NotDirectoryException x -> "not a directory";
                default -> f.getClass().getSimpleName();
            };
            return f.getMessage() + ": " + what;
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getCause() != null && t.getCause() != t ? describe(t.getCause()) : t.getClass().getSimpleName();
        }
        return m.lines().findFirst().orElse(m).strip();
    }
}
