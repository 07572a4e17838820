package io.uring4j.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 11, item 3: starting an operation is one call ({@link EventLoop#start} and its variants),
 * and its state is typed. In the runtime's main sources only EventLoop (and the slot table it
 * asks) may count an operation started, tag its main SQE, link its timeout or bind its future's
 * cancel; no per-operation state travels as a positional {@code Object[]}; and the loop reaches
 * the int-result completion next to {@link Operation}, not up in AsyncFile. Reads the sources, so
 * it runs from the module directory (as Maven does) or skips.
 */
class OperationStartTest {
    private static final Path MAIN = Path.of("src/main/java/io/uring4j/runtime");

    /** What no file but the ones named may contain: each step of the start protocol, done by hand (a socket's Posix.bind aside). */
    private static final Map<Pattern, List<String>> ONLY_IN = Map.of(
            Pattern.compile("\\bstarted\\("), List.of("EventLoop.java", "OperationSlots.java"),
            Pattern.compile("\\.userData\\(\\w+\\.userData\\(UserData\\.TAG_MAIN\\)\\)"), List.of("EventLoop.java"),
            Pattern.compile("TAG_TIMEOUT|prepLinkTimeout\\("), List.of("EventLoop.java", "UserData.java"),
            Pattern.compile("(?<!Posix)\\.bind\\(|cancelWith\\(|linkTimeout\\("), List.of("EventLoop.java", "OpFuture.java"),
            // The runtime hands its own tasks to runOnLoop: the public Executor.execute logs a task's
            // exception and throws RejectedExecutionException, which the runtime's code does not expect.
            Pattern.compile("\\.execute\\("), List.of());

    /** What no main source may contain at all. */
    private static final List<Pattern> NOWHERE = List.of(
            Pattern.compile("new Object\\[\\]"),
            Pattern.compile("\\(Object\\[\\]\\)"),
            Pattern.compile("AsyncFile\\.INT_RESULT"),
            Pattern.compile("static final Operation\\.Completion INT_RESULT"));

    @Test
    void everyOperationStartsThroughTheLoopAndNoStateIsAnObjectArray() throws IOException {
        assumeTrue(Files.isDirectory(MAIN), "sources not found from " + Path.of("").toAbsolutePath());
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.list(MAIN)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                files++;
                String name = f.getFileName().toString();
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.strip().startsWith("*") || line.strip().startsWith("//")) continue; // documentation may name them
                    for (var rule : ONLY_IN.entrySet()) {
                        if (!rule.getValue().contains(name) && rule.getKey().matcher(line).find()) {
                            found.add(name + ":" + (i + 1) + ": " + line.strip() + "   [only in " + rule.getValue() + "]");
                        }
                    }
                    for (Pattern bad : NOWHERE) {
                        if (bad.matcher(line).find()) found.add(name + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        }
        assertTrue(files > 40, "scanned " + files + " source files");
        assertEquals(List.of(), found, "start an operation with EventLoop.start (startUncancellable, startChain,"
                + " startAgain); keep its state in a typed field or a record (Operation.Subject)");
    }

    /** The scan is not empty by accident: the one method is where the rules say, and the loop names Operation's INT_RESULT. */
    @Test
    void theOneMethodDoesEveryStep() throws IOException {
        assumeTrue(Files.isDirectory(MAIN), "sources not found from " + Path.of("").toAbsolutePath());
        String loop = Files.readString(MAIN.resolve("EventLoop.java"));
        for (String step : List.of("void start(Operation op, Sqe main, Duration timeout)", "main.userData(op.userData(UserData.TAG_MAIN))",
                "prepLinkTimeout(", "slots.started(op, ", "f.bind(op)")) {
            assertTrue(loop.contains(step), "EventLoop's start has lost its step " + step);
        }
        String operation = Files.readString(MAIN.resolve("Operation.java"));
        assertTrue(operation.contains("static final Completion INT_RESULT") && operation.contains("record Subject("),
                "INT_RESULT and its typed context live in Operation");
        assertTrue(Files.readString(MAIN.resolve("FdRequests.java")).contains("Operation.INT_RESULT"), "the fd close uses it");
    }
}
