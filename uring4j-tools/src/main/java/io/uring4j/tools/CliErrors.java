package io.uring4j.tools;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Locale;

/**
 * How every uring4j command reports a failure, as Unix tools do: one line on standard error,
 * {@code uring4j COMMAND: what failed: cause}, and an exit status: {@link #FAILED} when the work
 * failed (an I/O error, the kernel refused), {@link #USAGE} when the command was called wrongly
 * (picocli's parse errors, and values a command rejects by throwing a {@link ParameterException}).
 * {@code --verbose} adds a line per cause; a stack trace only with {@code --debug} or
 * {@code URING4J_DEBUG=1}, for a bug report: a user's typo or a missing file is not a bug.
 */
public final class CliErrors {
    /** Exit status of a command whose work failed. */
    public static final int FAILED = 1;
    /** Exit status of a command called wrongly: picocli's own code for invalid input. */
    public static final int USAGE = 2;
    /** Set (to anything but 0 or empty) to get the stack trace of every failure, as --debug does. */
    public static final String DEBUG_ENV = "URING4J_DEBUG";

    private CliErrors() {}

    /** Makes {@code cl} (and its subcommands) report failures and usage errors in one line. */
    static void install(CommandLine cl) {
        cl.setExecutionExceptionHandler(CliErrors::executionFailed);
        cl.setParameterExceptionHandler(CliErrors::usageError);
    }

    /** {@code "uring4j cp: "} for the command {@code command}. */
    public static String prefix(CommandLine command) {
        return name(command) + ": ";
    }

    /** {@code "uring4j cp"}, also when the command runs without {@link Main} above it (as in some tests). */
    static String name(CommandLine command) {
        String name = command.getCommandSpec().qualifiedName();
        return name.equals("uring4j") || name.startsWith("uring4j ") ? name : "uring4j " + name;
    }

    /** Prints {@code uring4j COMMAND: message} as one line on the command's standard error. */
    public static void report(CommandLine command, String message) {
        PrintWriter err = command.getErr();
        err.println(prefix(command) + oneLine(message));
        err.flush();
    }

    /**
     * Prints {@code failure} as one line on the command's standard error (and its causes with
     * {@code --verbose}, its stack trace with {@code --debug}); for a command that goes on after a
     * failure, such as cat with several files.
     */
    public static void report(CommandLine command, Throwable failure) {
        report(command, describe(failure));
        PrintWriter err = command.getErr();
        if (Main.verbose(command.getCommandSpec())) printCauses(err, failure);
        if (debug(command.getCommandSpec())) failure.printStackTrace(err);
        err.flush();
    }

    /** An exception out of a command's work: one line (causes with --verbose, trace with --debug), exit status 1. */
    static int executionFailed(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        err.println(prefix(command) + describe(e));
        if (matched(parsed, "--verbose")) printCauses(err, e);
        if (matched(parsed, "--debug") || debugEnv()) e.printStackTrace(err);
        err.flush();
        return FAILED;
    }

    /**
     * A usage error (picocli's parse error, or a value the command rejected): one line with the
     * error and where the help is, instead of picocli's error followed by the whole usage: exit status 2.
     */
    static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        StringBuilder line = new StringBuilder(decapitalize(oneLine(e.getMessage())));
        if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            List<String> some = u.getSuggestions().stream().limit(3).toList();
            line.append("; did you mean ").append(String.join(" or ", some)).append('?');
        }
        line.append(" (see '").append(name(command)).append(" --help')");
        report(command, line.toString());
        if (List.of(args).contains("--debug") || debugEnv()) {
            e.printStackTrace(command.getErr());
            command.getErr().flush();
        }
        return USAGE;
    }

    /** Whether {@code --debug} was given to the command of {@code spec} or one above it, or the environment asks. */
    static boolean debug(CommandLine.Model.CommandSpec spec) {
        for (CommandLine.Model.CommandSpec s = spec; s != null; s = s.parent()) {
            CommandLine.ParseResult p = s.commandLine().getParseResult();
            if (p != null && p.hasMatchedOption("--debug")) return true;
        }
        return debugEnv();
    }

    private static boolean debugEnv() {
        String v = System.getenv(DEBUG_ENV);
        return v != null && !v.isBlank() && !v.strip().equals("0");
    }

    /** Whether {@code option} was given, before or after the subcommand's name. */
    static boolean matched(CommandLine.ParseResult parsed, String option) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(option)) return true;
        }
        return false;
    }

    private static void printCauses(PrintWriter err, Throwable t) {
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            err.println("  caused by " + c.getClass().getName() + ": " + describe(c));
        }
    }

    /** One line saying what {@code t} is about: its message, or what its type means when it has none. */
    public static String describe(Throwable t) {
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
        return oneLine(m);
    }

    /** The first line of {@code m}: a message of several lines would break the one-line rule. */
    private static String oneLine(String m) {
        return m == null ? "" : m.lines().findFirst().orElse(m).strip();
    }

    /** "Unknown option" as "unknown option", the way the rest of the line reads; "EISDIR" stays. */
    private static String decapitalize(String m) {
        if (m.length() < 2 || !Character.isUpperCase(m.charAt(0)) || !Character.isLowerCase(m.charAt(1))) return m;
        return m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
    }
}
