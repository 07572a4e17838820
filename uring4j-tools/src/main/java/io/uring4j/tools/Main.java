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
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
