package io.uring4j.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every {@link Opcode} has a prep helper (a {@link Prep} method on one of {@link Sqe}'s family
 * interfaces) and a conformance test (a {@link Covers} method in this package's tests, found by
 * scanning the compiled test classes, so a new test file needs no registration here).
 */
class OpcodeCoverageTest {

    /** Helpers whose name is not liburing's in Java case, each a documented convenience or variant. */
    private static final Set<String> RENAMED_VARIANTS = Set.of(
            "prepFdatasync", "prepLinkTimeoutUpdate", "prepOpenatDirectAlloc", "prepOpenat2DirectAlloc",
            "prepFilesUpdateAlloc", "prepPipeDirectAlloc", "prepAcceptDirectAlloc", "prepRecvZc", "prepCancelOp");

    static List<Method> prepHelpers() {
        List<Method> out = new ArrayList<>();
        for (Class<?> family : Sqe.class.getInterfaces()) {
            for (Method m : family.getDeclaredMethods()) {
                if (m.isAnnotationPresent(Prep.class)) out.add(m);
            }
        }
        return out;
    }

    static Map<Opcode, List<String>> testedOpcodes() throws IOException, URISyntaxException {
        Path root = Path.of(OpcodeCoverageTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = root.resolve(OpcodeCoverageTest.class.getPackageName().replace('.', '/'));
        Map<Opcode, List<String>> tested = new EnumMap<>(Opcode.class);
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = OpcodeCoverageTest.class.getPackageName() + "."
                        + p.getFileName().toString().replace(".class", "");
                Class<?> c;
                try {
                    c = Class.forName(name, false, OpcodeCoverageTest.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                for (Method m : c.getDeclaredMethods()) {
                    Covers covers = m.getAnnotation(Covers.class);
                    if (covers == null) continue;
                    for (Opcode op : covers.value()) {
                        tested.computeIfAbsent(op, k -> new ArrayList<>()).add(c.getSimpleName() + "." + m.getName());
                    }
                }
            }
        }
        return tested;
    }

    @Test
    void everyOpcodeHasAHelperAndATest() throws Exception {
        Set<Opcode> helped = EnumSet.noneOf(Opcode.class);
        for (Method m : prepHelpers()) helped.add(m.getAnnotation(Prep.class).value());
        Map<Opcode, List<String>> tested = testedOpcodes();

        Set<String> missingHelper = new TreeSet<>(), missingTest = new TreeSet<>();
        for (Opcode op : Opcode.values()) {
            if (!helped.contains(op)) missingHelper.add(op.name());
            if (!tested.containsKey(op)) missingTest.add(op.name());
        }
        assertTrue(missingHelper.isEmpty() && missingTest.isEmpty(),
                "opcodes without a @Prep helper: " + missingHelper + "; without a @Covers test: " + missingTest);
    }

    @Test
    void helpersAreNamedAfterLiburingAndReturnTheSqe() {
        List<String> problems = new ArrayList<>();
        for (Method m : prepHelpers()) {
            Prep prep = m.getAnnotation(Prep.class);
            String expected = javaName(prep.liburing());
            if (!m.getName().equals(expected) && !RENAMED_VARIANTS.contains(m.getName())) {
                problems.add(m.getName() + " is marked " + prep.liburing() + " (expected " + expected + ")");
            }
            if (m.getReturnType() != Sqe.class) problems.add(m.getName() + " returns " + m.getReturnType().getSimpleName());
            if (!m.isDefault() || Modifier.isStatic(m.getModifiers())) problems.add(m.getName() + " is not a default method");
        }
        assertEquals(List.of(), problems);
    }

    private static final Pattern PREP = Pattern.compile(
            "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*@Prep\\(value = Opcode\\.(\\w+), liburing = \"(\\w+)\"\\)", Pattern.DOTALL);
    private static final Pattern FIRST_SENTENCE = Pattern.compile(
            "Equivalent to \\{@code (\\w+)\\(3\\)}; kernel (\\d+)\\.(\\d+)\\..*", Pattern.DOTALL);

    /**
     * The javadoc of every helper opens with "Equivalent to {@code io_uring_prep_x(3)}; kernel
     * X.Y." naming the same function as its {@link Prep} mark and a kernel no older than the
     * opcode. Reads the sources, so it runs from the module directory (as Maven does) or skips.
     */
    @Test
    void helperJavadocNamesItsLiburingFunctionAndKernel() throws IOException {
        Path src = Path.of("src/main/java/io/uring4j/core");
        assumeTrue(Files.isDirectory(src), "sources not found from " + Path.of("").toAbsolutePath());
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Class<?> family : Sqe.class.getInterfaces()) {
            Path file = src.resolve(family.getSimpleName() + ".java");
            if (!Files.exists(file)) continue;
            Matcher m = PREP.matcher(Files.readString(file));
            while (m.find()) {
                checked++;
                String doc = m.group(1).replaceAll("(?m)^\\s*\\*", " ").replaceAll("\\s+", " ").trim();
                Opcode op = Opcode.valueOf(m.group(2));
                String where = family.getSimpleName() + " (" + m.group(3) + "): ";
                Matcher first = FIRST_SENTENCE.matcher(doc);
                if (!first.matches()) {
                    problems.add(where + "javadoc starts \"" + doc.substring(0, Math.min(60, doc.length())) + "\"");
                    continue;
                }
                if (!first.group(1).equals(m.group(3))) problems.add(where + "javadoc names " + first.group(1));
                int[] since = Arrays.stream(op.since().split("\\.")).mapToInt(Integer::parseInt).toArray();
                int major = Integer.parseInt(first.group(2)), minor = Integer.parseInt(first.group(3));
                if (major < since[0] || (major == since[0] && minor < since[1])) {
                    problems.add(where + "kernel " + major + "." + minor + " is older than " + op + " (" + op.since() + ")");
                }
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(prepHelpers().stream().filter(h -> Files.exists(src.resolve(h.getDeclaringClass().getSimpleName() + ".java"))).count(),
                checked, "every @Prep method was found in the sources");
    }

    /** {@code io_uring_prep_read_fixed} → {@code prepReadFixed}. */
    static String javaName(String liburing) {
        String[] parts = liburing.replaceFirst("^io_uring_", "").split("_");
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].isEmpty()) continue;
            sb.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return sb.toString();
    }
}
