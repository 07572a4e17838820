package io.uring4j.tools;

import io.uring4j.tools.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code uring4j} command. */
@Command(name = "uring4j", mixinStandardHelpOptions = true, version = "uring4j 0.1.0",
        description = "io_uring for Java: probe the kernel, copy and cat files, serve TCP echo, benchmark.",
        subcommands = {ProbeCommand.class, CpCommand.class, CatCommand.class, EchoServerCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command with its error handling: what {@link #main} runs. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::failed);
    }

    /**
     * A command that fails (io_uring unavailable, a file missing, no free fd) ends with one line
     * on stderr naming the command and the cause, and exit status 1; the stack trace only with
     * {@code -During4j.stacktrace=true} (URING4J_JAVA_OPTS for bin/uring4j).
     */
    private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        command.getErr().println("uring4j " + command.getCommandName() + ": " + describe(e));
        if (Boolean.getBoolean("uring4j.stacktrace")) {
            e.printStackTrace(command.getErr());
        }
        command.getErr().flush();
        return 1;
    }

    /** The message of {@code e}; a file-system exception without a reason gets its kind ("NoSuchFileException: /x"). */
    static String describe(Throwable e) {
        String m = e.getMessage();
        if (m == null || (e instanceof java.nio.file.FileSystemException fse && fse.getReason() == null)) {
            return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        }
        return m.replace('\n', ' ');
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
