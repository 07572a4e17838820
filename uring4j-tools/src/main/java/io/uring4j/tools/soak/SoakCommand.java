package io.uring4j.tools.soak;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code uring4j soak}: the runtime under load for minutes in one JVM (issue 10 item 4): an
 * echo server with {@code --connections} clients of random message sizes, half-closes and
 * resets, beside file copies and random reads with cancels; every byte checked, a line of
 * figures every few seconds, and a verdict: exit 0 only with no error and flat fds, native
 * memory and RSS; 1 otherwise; 3 if the watchdog had to end a run that hung.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Run the runtime under load for minutes, checking every byte, and fail on any error or growth.",
                "A TCP echo server with N clients (random message sizes, half-closes, resets, reconnects), file copies"
                        + " and random reads with cancels, deadlines and interrupts beside it.",
                "Prints operations, errors, open fds, native bytes, RSS and heap every few seconds; fails (exit 1) on any"
                        + " error or if fds, native bytes or RSS grow over the run. A watchdog ends a hung run (exit 3)."})
public final class SoakCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--minutes", paramLabel = "N", defaultValue = "1",
            description = "How long to run, fractions allowed (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "1000",
            description = "Client connections kept live (default ${DEFAULT-VALUE}; fewer if RLIMIT_NOFILE does not allow them).")
    int connections;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of every random choice (default: random; printed, so a failure replays).")
    Long seed;

    @Option(names = "--loops", paramLabel = "N", defaultValue = "2",
            description = "Event loops of the server's group and of the clients' group each (default ${DEFAULT-VALUE}).")
    int loops;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the samples and the verdict as JSON to FILE.")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (!(minutes > 0) || minutes > 7 * 24 * 60) {
            throw new ParameterException(spec.commandLine(), "--minutes must be above 0 and at most a week, given " + minutes);
        }
        if (connections < 1) throw new ParameterException(spec.commandLine(), "--connections must be at least 1, given " + connections);
        if (loops < 1) throw new ParameterException(spec.commandLine(), "--loops must be at least 1, given " + loops);
        long s = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        return new Soak(new Soak.Plan(minutes, connections, s, json, loops), System.out, System.err).run();
    }
}
