package io.uring4j.tools.bench.child;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JVM that {@code uring4j bench} keeps for one Java contender: it stays alive across the
 * repetitions (so JVM start-up and JIT warm-up are paid once, and every later measurement still
 * gets its own warm-up) and idles, blocked on stdin, while the other contenders run. One command
 * per line, {@code TASK key=value ...} (values URL-encoded) with TASK {@code read} ({@link ReadBench}) or {@code copy}
 * ({@link CopyBench}); one answer per line, {@code RESULT <json>} or {@code ERROR <why>}. Exits
 * at end of input.
 */
public final class BenchChild {
    public static final String RESULT = "RESULT ";
    public static final String ERROR = "ERROR ";

    private BenchChild() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) continue;
            String[] words = line.trim().split("\\s+");
            Map<String, String> kv = new LinkedHashMap<>();
            try {
                for (int i = 1; i < words.length; i++) {
                    int eq = words[i].indexOf('=');
                    if (eq < 1) throw new IllegalArgumentException("arguments are key=value, given " + words[i]);
                    kv.put(words[i].substring(0, eq), java.net.URLDecoder.decode(words[i].substring(eq + 1), StandardCharsets.UTF_8));
                }
                String result = switch (words[0]) {
                    case "read" -> ReadBench.run(kv);
                    case "copy" -> CopyBench.run(kv);
                    default -> throw new IllegalArgumentException("unknown task " + words[0]);
                };
                out.println(RESULT + result);
            } catch (Throwable t) {
                t.printStackTrace();
                out.println(ERROR + String.valueOf(t).replace('\n', ' '));
            }
        }
    }

    static String required(Map<String, String> args, String key) {
        String v = args.get(key);
        if (v == null) throw new IllegalArgumentException("missing argument " + key + "=");
        return v;
    }
}
