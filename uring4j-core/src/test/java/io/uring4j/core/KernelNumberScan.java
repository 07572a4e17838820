package io.uring4j.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds kernel numbers typed outside their one home in Java sources: errno values anywhere but
 * {@link Errno}, {@code IORING_*} constants outside the class that owns them, a copy of a number
 * that core already publishes under the same name, and struct offsets written as literals
 * instead of read from a layout ({@code Layouts}, {@code Statx} or a struct class's own layout).
 *
 * <p>It reads source text, not bytecode, because the question is what a person typed: comments,
 * string and character literals are blanked first (so {@code "EINVAL = 22"} in a message or a
 * javadoc is not a definition), then each line is matched. A <em>numeric definition</em> is an
 * upper-case name assigned an expression of integer literals and operators only
 * ({@code EINTR = 4}, {@code RECV_MULTISHOT = 1 << 1}, {@code AT_FDCWD = -100}); a name assigned
 * from another constant ({@code EINTR = Errno.EINTR.code()}, {@code CANCEL_ALL = CancelFlags.ALL})
 * is a reference to the home, which is the point. Findings:
 * <ul>
 *   <li>{@link Kind#ERRNO_DEFINITION}: a numeric definition of an {@link Errno} name outside
 *       {@code Errno.java};</li>
 *   <li>{@link Kind#BARE_ERRNO}: a comparison with, {@code case} of or {@code return} of a
 *       negative literal in errno range (-2 to -133; -1 is every fd's and sentinel's value and is
 *       left alone) outside {@code Errno.java};</li>
 *   <li>{@link Kind#IORING_DEFINITION}: a numeric definition of an {@code IORING_}/{@code IOSQE_}
 *       name outside the home its prefix has (core's {@code RingMemory} for the mmap offsets
 *       {@code IORING_OFF_*}); core names the others without the prefix, in their classes;</li>
 *   <li>{@link Kind#DUPLICATE_CONSTANT}: a numeric definition whose name and value equal a
 *       constant core publishes from another file (public fields of core's public classes,
 *       read by reflection; names core publishes with different values, such as {@code BYTES},
 *       are not facts and are skipped), or equal a numeric definition in another scanned file;</li>
 *   <li>{@link Kind#LITERAL_OFFSET}: a memory access or slice at a non-zero literal offset
 *       ({@code seg.get(JAVA_INT, 8)}, {@code set(X, at + 12, v)}, {@code asSlice(4, 4)}) or a
 *       {@code *OFFSET}/{@code *_OFF} constant with a non-zero literal, outside {@code Layouts.java}
 *       and {@code Statx.java}. A line whose comment says {@value #WAIVER} is not a finding (for
 *       code that addresses raw words rather than fields, such as zeroing an SQE).</li>
 * </ul>
 */
final class KernelNumberScan {
    /** The comment text that exempts one line from {@link Kind#LITERAL_OFFSET}. */
    static final String WAIVER = "not a field offset";

    enum Kind { ERRNO_DEFINITION, BARE_ERRNO, IORING_DEFINITION, DUPLICATE_CONSTANT, LITERAL_OFFSET }

    /** One finding: {@code file} relative to the scanned root, 1-based {@code line}. */
    record Finding(String file, int line, Kind kind, String detail) {
        @Override
        public String toString() {
            return file + ":" + line + " " + kind + ": " + detail;
        }
    }

    /**
     * A constant core publishes: a public static final integer field of a public core class, with
     * every file that declares it under that name (its home and the classes that refer to it).
     */
    record Published(String name, long value, Set<String> homes) {}

    /** A numeric definition seen in the sources. */
    record Definition(String file, int line, String name, long value) {}

    private static final String ERRNO_HOME = "io/uring4j/core/Errno.java";
    private static final Set<String> OFFSET_HOMES = Set.of("io/uring4j/core/Layouts.java", "io/uring4j/core/Statx.java");
    /** Kernel-prefixed names core defines with their prefix, and the one file each prefix lives in. */
    private static final Map<String, String> IORING_HOMES = Map.of("IORING_OFF_", "io/uring4j/core/RingMemory.java");
    private static final Pattern IORING_NAME = Pattern.compile("^(IORING_|IOSQE_|IOU_)\\w*");

    private static final Pattern DEFINITION = Pattern.compile("(?<![\\w.])([A-Z][A-Z0-9_]*)\\s*=(?!=)\\s*([^,;{}]+)");
    private static final Pattern BARE_NEGATIVE = Pattern.compile(
            "(?:[=!]=\\s*-\\s*(\\d+)(?![\\w.]))|(?:(?<![\\w.])-\\s*(\\d+)\\s*[=!]=)|(?:\\bcase\\s+-\\s*(\\d+)(?![\\w.]))|(?:\\breturn\\s+-\\s*(\\d+)\\s*;)");
    private static final String LITERAL = "(0[xX][0-9a-fA-F_]+|0[bB][01_]+|\\d[\\d_]*)[lL]?";
    private static final Pattern ACCESS_AT_LITERAL = Pattern.compile(
            "\\.(?:get|set)\\(\\s*[\\w.]+\\s*,\\s*(?:[\\w.()]+\\s*\\+\\s*)?" + LITERAL + "\\s*(?:\\+\\s*[\\w.]+\\s*)?[,)]");
    /** Only the bare form: {@code asSlice(base + 1)} is as often a byte count of a string as a field. */
    private static final Pattern SLICE_AT_LITERAL = Pattern.compile("\\.asSlice\\(\\s*" + LITERAL + "\\s*[,)]");
    private static final Pattern OFFSET_NAME = Pattern.compile(".*(OFFSET|_OFF)$");

    /** What is scanned: core itself, or a module that should use core's numbers. */
    enum Scope {
        /** Core's sources: also a number typed in two of its files is a finding (core has one home per number). */
        CORE,
        /** The runtime's or the tools' sources: a copy of what core has, or of an errno, is a finding. */
        CLIENT
    }

    private final Set<String> errnoNames;
    private final Map<String, Published> published;
    /** Core's numeric definitions by {@code name=value}: the files that type each. */
    private final Map<String, Set<String>> coreNumbers;

    KernelNumberScan(Set<String> errnoNames, Map<String, Published> published, Map<String, Set<String>> coreNumbers) {
        this.errnoNames = errnoNames;
        this.published = published;
        this.coreNumbers = coreNumbers;
    }

    /** The scan with core's own facts: {@link Errno}'s names, what core's public classes publish, what core types. */
    static KernelNumberScan ofCore(Path coreMain) {
        Set<String> errno = new HashSet<>();
        for (Errno e : Errno.values()) errno.add(e.name());
        KernelNumberScan bare = new KernelNumberScan(errno, Map.of(), Map.of());
        Map<String, Set<String>> numbers = new HashMap<>();
        for (Definition d : bare.definitions(coreMain)) {
            numbers.computeIfAbsent(d.name() + "=" + d.value(), k -> new HashSet<>()).add(d.file());
        }
        return new KernelNumberScan(errno, publishedBy(coreMain), numbers);
    }

    /**
     * The integer constants of every public class under {@code coreMain}, by name; a name
     * published with two different values is not one fact and is left out.
     */
    static Map<String, Published> publishedBy(Path coreMain) {
        Map<String, Published> byName = new TreeMap<>();
        Set<String> ambiguous = new HashSet<>();
        for (Path file : javaFiles(coreMain)) {
            String rel = relative(coreMain, file);
            if (rel.endsWith("module-info.java") || rel.endsWith("package-info.java")) continue;
            String className = rel.substring(0, rel.length() - ".java".length()).replace('/', '.');
            Class<?> type;
            try {
                type = Class.forName(className);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("a core source without its class: " + rel, e);
            }
            if (!Modifier.isPublic(type.getModifiers())) continue;
            for (Field f : type.getDeclaredFields()) {
                int m = f.getModifiers();
                Class<?> t = f.getType();
                if (!Modifier.isPublic(m) || !Modifier.isStatic(m) || !Modifier.isFinal(m)
                        || !(t == int.class || t == long.class || t == short.class || t == byte.class)) {
                    continue;
                }
                long value;
                try {
                    value = normalize(((Number) f.get(null)).longValue());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                Published before = byName.get(f.getName());
                if (before == null) {
                    byName.put(f.getName(), new Published(f.getName(), value, new TreeSet<>(Set.of(rel))));
                } else if (before.value() != value) {
                    ambiguous.add(f.getName());
                } else {
                    before.homes().add(rel);
                }
            }
        }
        ambiguous.forEach(byName::remove);
        return byName;
    }

    /** Scans every {@code .java} file under {@code root} (a {@code src/main/java}). */
    List<Finding> scan(Path root, Scope scope) {
        List<Definition> definitions = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (Path file : javaFiles(root)) {
            scanFile(relative(root, file), read(file), scope, definitions, findings);
        }
        if (scope == Scope.CORE) {
            // the same name and value typed in two core files: every copy but the one home is a finding
            Map<String, Set<String>> filesByFact = new HashMap<>();
            for (Definition d : definitions) {
                filesByFact.computeIfAbsent(d.name() + "=" + d.value(), k -> new HashSet<>()).add(d.file());
            }
            for (Definition d : definitions) {
                Set<String> files = filesByFact.get(d.name() + "=" + d.value());
                if (files.size() > 1 && !isTheHome(d, files) && !alreadyFound(findings, d)) {
                    List<String> others = files.stream().filter(f -> !f.equals(d.file())).sorted().toList();
                    findings.add(new Finding(d.file(), d.line(), Kind.DUPLICATE_CONSTANT,
                            d.name() + " = " + d.value() + " is also typed in " + others));
                }
            }
        }
        findings.sort(Comparator.comparing(Finding::file).thenComparingInt(Finding::line).thenComparing(Finding::kind));
        return findings;
    }

    /** The numeric definitions under {@code root}, for checks that the scan sees what it should. */
    List<Definition> definitions(Path root) {
        List<Definition> definitions = new ArrayList<>();
        for (Path file : javaFiles(root)) {
            scanFile(relative(root, file), read(file), Scope.CORE, definitions, new ArrayList<>());
        }
        return definitions;
    }

    /**
     * Whether {@code d}, typed in all of {@code files}, sits where its name belongs, so the other
     * copies are the findings: the prefix's home, or the only one of the files that publishes the
     * name. With no such single home every copy is a finding (make all but one a reference).
     */
    private boolean isTheHome(Definition d, Set<String> files) {
        if (IORING_HOMES.entrySet().stream().anyMatch(h -> d.name().startsWith(h.getKey()) && d.file().equals(h.getValue()))) {
            return true;
        }
        Published p = published.get(d.name());
        if (p == null || p.value() != d.value()) return false;
        List<String> publishing = files.stream().filter(p.homes()::contains).toList();
        return publishing.size() == 1 && publishing.getFirst().equals(d.file());
    }

    private static boolean alreadyFound(List<Finding> findings, Definition d) {
        return findings.stream().anyMatch(f -> f.file().equals(d.file()) && f.line() == d.line()
                && f.detail().startsWith(d.name() + " "));
    }

    void scanFile(String file, String source, Scope scope, List<Definition> definitions, List<Finding> findings) {
        String[] raw = source.split("\n", -1);
        String[] code = blankCommentsAndLiterals(source).split("\n", -1);
        for (int i = 0; i < code.length; i++) {
            int line = i + 1;
            String text = code[i];
            Matcher def = DEFINITION.matcher(text);
            while (def.find()) {
                String name = def.group(1);
                Long value = Numbers.evaluate(def.group(2));
                if (value == null) continue;
                long v = normalize(value);
                definitions.add(new Definition(file, line, name, v));
                checkDefinition(file, line, name, v, raw[i], scope, findings);
            }
            if (!file.equals(ERRNO_HOME)) {
                Matcher bare = BARE_NEGATIVE.matcher(text);
                while (bare.find()) {
                    int n = Integer.parseInt(firstGroup(bare));
                    if (n >= 2 && n <= 133) {
                        findings.add(new Finding(file, line, Kind.BARE_ERRNO, "-" + n + " typed where -Errno."
                                + (Errno.of(n) == null ? "?" : Errno.of(n).name()) + ".code() belongs: " + raw[i].trim()));
                    }
                }
            }
            if (!OFFSET_HOMES.contains(file) && !raw[i].contains(WAIVER)) {
                for (Pattern p : List.of(ACCESS_AT_LITERAL, SLICE_AT_LITERAL)) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        Long offset = Numbers.evaluate(m.group(1));
                        if (offset != null && offset != 0) {
                            findings.add(new Finding(file, line, Kind.LITERAL_OFFSET, "offset " + m.group(1)
                                    + " typed instead of a layout's field offset: " + raw[i].trim()));
                        }
                    }
                }
            }
        }
    }

    private void checkDefinition(String file, int line, String name, long value, String rawLine, Scope scope,
                                 List<Finding> findings) {
        if (errnoNames.contains(name) && !file.equals(ERRNO_HOME)) {
            findings.add(new Finding(file, line, Kind.ERRNO_DEFINITION, name + " = " + value + " typed outside Errno"));
            return;
        }
        if (IORING_NAME.matcher(name).matches()) {
            boolean home = IORING_HOMES.entrySet().stream().anyMatch(h -> name.startsWith(h.getKey()) && file.equals(h.getValue()));
            if (!home) {
                findings.add(new Finding(file, line, Kind.IORING_DEFINITION, name + " = " + value + " typed outside its home"));
                return;
            }
        }
        Published p = published.get(name);
        // a core file that is the only one typing a number it publishes through another class is its home
        boolean soleCoreNumber = scope == Scope.CORE && Set.of(file).equals(coreNumbers.get(name + "=" + value));
        if (p != null && p.value() == value && !p.homes().contains(file) && !soleCoreNumber) {
            findings.add(new Finding(file, line, Kind.DUPLICATE_CONSTANT, name + " = " + value
                    + " copies the constant core publishes in " + p.homes()));
            return;
        }
        Set<String> typedInCore = coreNumbers.get(name + "=" + value);
        if (scope == Scope.CLIENT && typedInCore != null) {
            findings.add(new Finding(file, line, Kind.DUPLICATE_CONSTANT, name + " = " + value
                    + " copies the number core types in " + new TreeSet<>(typedInCore)));
            return;
        }
        if (OFFSET_NAME.matcher(name).matches() && value != 0 && !OFFSET_HOMES.contains(file) && !rawLine.contains(WAIVER)) {
            findings.add(new Finding(file, line, Kind.LITERAL_OFFSET, name + " = " + value + " is a struct offset typed as a number"));
        }
    }

    private static String firstGroup(Matcher m) {
        for (int g = 1; g <= m.groupCount(); g++) {
            if (m.group(g) != null) return m.group(g);
        }
        throw new IllegalStateException("no group matched");
    }

    /** Integer values compared as the kernel sees a 32-bit word when they fit one (1 << 31 as int or long). */
    static long normalize(long v) {
        return v >= Integer.MIN_VALUE && v <= 0xFFFF_FFFFL ? v & 0xFFFF_FFFFL : v;
    }

    /**
     * {@code source} with every comment, string, text block and character literal replaced by
     * spaces (line breaks kept), so line numbers stay and only code is matched.
     */
    static String blankCommentsAndLiterals(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0, n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                while (i < n && source.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(source, i, end, out);
                i = end;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                blank(source, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c && source.charAt(j) != '\n') {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                int end = Math.min(n, j + 1);
                blank(source, i, end, out);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(String source, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(source.charAt(k) == '\n' ? '\n' : ' ');
        }
    }

    static List<Path> javaFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Evaluates an expression of integer literals and operators; null if it holds anything else. */
    static final class Numbers {
        private final String s;
        private int pos;

        private Numbers(String s) {
            this.s = s;
        }

        static Long evaluate(String expression) {
            String e = expression.trim();
            if (e.isEmpty() || !e.matches("[0-9a-fA-FxXbBlL_\\s()<>|&^~+*-]+") || !e.matches(".*\\d.*")) {
                return null;
            }
            Numbers p = new Numbers(e);
            try {
                long v = p.or();
                p.skip();
                return p.pos == e.length() ? v : null;
            } catch (IllegalArgumentException notNumeric) {
                return null;
            }
        }

        private long or() {
            long v = xor();
            while (peek("|") && !peek("||")) { pos++; v |= xor(); }
            return v;
        }

        private long xor() {
            long v = and();
            while (peek("^")) { pos++; v ^= and(); }
            return v;
        }

        private long and() {
            long v = shift();
            while (peek("&") && !peek("&&")) { pos++; v &= shift(); }
            return v;
        }

        private long shift() {
            long v = add();
            while (true) {
                if (peek(">>>")) { pos += 3; v >>>= add(); }
                else if (peek("<<")) { pos += 2; v <<= add(); }
                else if (peek(">>")) { pos += 2; v >>= add(); }
                else return v;
            }
        }

        private long add() {
            long v = mul();
            while (true) {
                if (peek("+")) { pos++; v += mul(); }
                else if (peek("-")) { pos++; v -= mul(); }
                else return v;
            }
        }

        private long mul() {
            long v = unary();
            while (peek("*")) { pos++; v *= unary(); }
            return v;
        }

        private long unary() {
            if (peek("-")) { pos++; return -unary(); }
            if (peek("~")) { pos++; return ~unary(); }
            if (peek("+")) { pos++; return unary(); }
            if (peek("(")) {
                pos++;
                long v = or();
                if (!peek(")")) throw new IllegalArgumentException();
                pos++;
                return v;
            }
            return literal();
        }

        private long literal() {
            skip();
            Matcher m = Pattern.compile(LITERAL).matcher(s).region(pos, s.length());
            if (!m.lookingAt()) throw new IllegalArgumentException();
            String digits = m.group(1).replace("_", "");
            pos = m.end();
            if (digits.startsWith("0x") || digits.startsWith("0X")) return Long.parseUnsignedLong(digits.substring(2), 16);
            if (digits.startsWith("0b") || digits.startsWith("0B")) return Long.parseUnsignedLong(digits.substring(2), 2);
            if (digits.length() > 1 && digits.startsWith("0")) return Long.parseUnsignedLong(digits.substring(1), 8);
            return Long.parseUnsignedLong(digits);
        }

        private boolean peek(String token) {
            skip();
            return s.startsWith(token, pos);
        }

        private void skip() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }
    }
}
