package io.uring4j.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rule of {@link RingAccess}: every acquire, release, fence or once-access of a ring word
 * carries a comment naming the rule it follows, on the line above (or at the end of the line),
 * and no code outside core's package reaches for it.
 */
class RingAccessRuleTest {
    private static final Path CORE_MAIN = Path.of("src/main/java");
    private static final Pattern VERB = Pattern.compile(
            "\\b(readOnce|writeOnce|loadAcquire|storeRelease|storeReleaseShort|fullFence)\\s*\\(");

    @Test
    void everyRingAccessCallSaysWhichRuleItFollows() throws IOException {
        List<String> bare = new ArrayList<>();
        int calls = 0;
        for (Path file : KernelNumberScan.javaFiles(CORE_MAIN)) {
            if (file.endsWith("RingAccess.java")) continue;
            List<String> problems = uncommentedCalls(Files.readString(file));
            calls += countCalls(Files.readString(file));
            for (String p : problems) bare.add(CORE_MAIN.relativize(file) + ":" + p);
        }
        assertTrue(calls >= 15, "ring accesses seen: " + calls);
        assertEquals(List.of(), bare, "ring accesses without a rule comment");
    }

    @Test
    void theRuleCheckFindsAPlantedBareCall() {
        String source = """
                class Q {
                    int ready() {
                        // Acquire: pairs with the kernel's store-release of ktail.
                        int t = loadAcquire(ring, ktail);
                        int h = readOnce(ring, khead);
                        storeRelease(ring, khead, h); // Release: our reads of the CQEs come first.
                        /* fullFence( in a comment */
                        return t - h;
                    }
                }
                """;
        assertEquals(List.of("5: int h = readOnce(ring, khead);"), uncommentedCalls(source));
        assertEquals(3, countCalls(source));
    }

    @Test
    void onlyCorePackageCodeReachesRingWords() {
        assertTrue(!java.lang.reflect.Modifier.isPublic(RingAccess.class.getModifiers()), "RingAccess is package-private");
    }

    /** Calls of a RingAccess verb whose line neither ends in a comment nor follows one: "line: code". */
    static List<String> uncommentedCalls(String source) {
        String[] raw = source.split("\n", -1);
        String[] code = KernelNumberScan.blankCommentsAndLiterals(source).split("\n", -1);
        List<String> bare = new ArrayList<>();
        for (int i = 0; i < code.length; i++) {
            if (!VERB.matcher(code[i]).find() || code[i].trim().startsWith("import ")) continue;
            boolean trailing = raw[i].contains("//");
            int prev = i - 1;
            while (prev >= 0 && raw[prev].isBlank()) prev--;
            boolean above = prev >= 0 && raw[prev].trim().startsWith("//");
            if (!trailing && !above) bare.add((i + 1) + ": " + raw[i].trim());
        }
        return bare;
    }

    private static int countCalls(String source) {
        int n = 0;
        for (String line : KernelNumberScan.blankCommentsAndLiterals(source).split("\n")) {
            if (line.trim().startsWith("import ")) continue;
            Matcher m = VERB.matcher(line);
            while (m.find()) n++;
        }
        return n;
    }
}
