package io.uring4j.tools.bench.env;

import io.uring4j.tools.bench.BenchPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class ProfilingTest {

    @Test
    void summarySplitsSamplesByLayerAndRanksFrames() {
        String s = Profiling.summary("t", List.of(
                "main_[j];io/uring4j/core/IoUring.submit_[i];syscall;do_syscall_64_[k] 60",
                "main_[j];io/uring4j/core/IoUring.submit_[j];io/uring4j/core/Sqe.clear_[i] 30",
                "main_[j];GCTaskThread::run 10"));
        String words = s.replaceAll(" +", " ");
        assertTrue(words.startsWith("t: 100 CPU samples"), s);
        assertTrue(words.contains(" kernel 60.0 %\n"), s);
        assertTrue(words.contains(" JVM and native 10.0 %\n"), s);
        assertTrue(words.contains(" Java 30.0 %\n"), s);
        // Inlined and compiled frames of one method count as one, once per stack.
        assertTrue(words.contains(" 90.0 % io/uring4j/core/IoUring.submit\n"), s);
        assertTrue(words.contains(" 60.0 % do_syscall_64_[k]\n"), s);
    }

    @Test
    void agentGoesAfterTheJavaExecutableOnlyWhenProfiling(@TempDir Path dir) {
        List<String> cmd = List.of("taskset", "-c", "1", "/jdk/bin/java", "-Xmx1g", "Main");
        BenchPlan plain = new BenchPlan("tiny", 1, 0, 0.1, 0, 1, dir, List.of(1), false);
        assertEquals(cmd, Profiling.withAgent(cmd, plain, "x"));

        BenchPlan profiled = new BenchPlan("tiny", 1, 0, 0.1, 0, 1, dir, List.of(1), false, dir.resolve("p"));
        List<String> got = Profiling.withAgent(cmd, profiled, "echo a=1 b");
        assertEquals(cmd.subList(0, 4), got.subList(0, 4));
        String agent = got.get(6);
        assertTrue(agent.startsWith("-agentpath:" + dir.resolve("libasyncProfiler.so") + "=start,event=cpu"), agent);
        assertTrue(agent.endsWith("file=" + dir.resolve("p").resolve("echo_a_1_b-%p.collapsed")), agent);
        assertEquals(List.of("-Xmx1g", "Main"), got.subList(7, 9));
        assertTrue(Files.isRegularFile(dir.resolve("libasyncProfiler.so")));
        List<String> cPeer = List.of("taskset", "-c", "1", "/bench/echo_server", "4000");
        assertEquals(cPeer, Profiling.withAgent(cPeer, profiled, "c"));
    }

    /** The agent loads on this JDK and writes stacks at exit, which get a summary. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aProfiledJvmWritesStacksThatGetSummarized(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("profiles"));
        BenchPlan plan = new BenchPlan("tiny", 1, 0, 0.1, 0, -1, dir, List.of(1), false, out);
        List<String> cmd = Profiling.withAgent(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Spin.class.getName()), plan, "spin");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(50, TimeUnit.SECONDS), "the profiled JVM ended");
        assertEquals(0, p.exitValue(), output);
        assertEquals(1, Profiling.summarizeAll(out));
        Path txt;
        try (var files = Files.list(out)) {
            txt = files.filter(f -> f.toString().endsWith(".txt")).findFirst().orElseThrow();
        }
        String summary = Files.readString(txt);
        assertTrue(summary.contains("Spin.main"), summary);
    }

    /** Burns CPU in Java for half a second. */
    public static final class Spin {
        public static void main(String[] args) {
            long end = System.nanoTime() + 500_000_000L;
            long x = 0;
            while (System.nanoTime() < end) x += Long.numberOfTrailingZeros(x + 1);
            System.out.println(x);
        }
    }
}
