package io.uring4j.tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14 item 8: the tools write JSON through Jackson ({@link Json}), never by putting strings
 * together. Every string literal and text block of the Java sources of uring4j-tools is read
 * (comments skipped); one whose text has a quote followed by a colon ({@code "key":}, written
 * {@code \":} in a literal) is a piece of hand-made JSON and fails this test. The C sources and
 * other files are not Java sources and are not read. A literal that only reads JSON (a
 * pattern, say) may be listed in {@link #ALLOWED}, by file and literal, saying why.
 */
class NoHandWrittenJsonTest {
    private static final Path MAIN = Path.of("src/main/java");

    /** "path/in/main/java: literal text" of literals that may look like JSON keys, each with why. None today. */
    private static final Set<String> ALLOWED = Set.of();

    /** A quote, maybe blanks, a colon: the end of a JSON key. */
    private static final Pattern KEY = Pattern.compile("\"\\s*:");

    @Test
    void noMainSourceWritesJsonByHand() throws IOException {
        assertTrue(Files.isDirectory(MAIN), "run from the module's directory: " + MAIN.toAbsolutePath());
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.walk(MAIN)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                files++;
                String name = MAIN.relativize(p).toString();
                for (Literal l : literals(Files.readString(p))) {
                    if (KEY.matcher(l.text()).find() && !ALLOWED.contains(name + ": " + l.text())) {
                        found.add(name + ":" + l.line() + ": " + l.text().replace("\n", "\\n"));
                    }
                }
            }
        }
        assertTrue(files > 50, "read only " + files + " sources under " + MAIN.toAbsolutePath());
        assertTrue(found.isEmpty(), "JSON written by hand (build a node and write it with Json instead):\n"
                + String.join("\n", found));
    }

    @Test
    void theScanFindsJsonInLiteralsAndNotInComments() {
        String source = """
                class X {
                    // {"commented": 1}
                    /** {@code {"ops_per_s":..}} */
                    String a = "{\\"kernel\\":" + k;
                    String b = "\\"" + key + "\\": " + value;
                    char q = '"'; String c = ":";
                    char e = '\\''; String d = "plain \\\\\\" text";
                    String t = \"""
                        {"block": true}
                        \""";
                }
                """;
        List<Literal> l = literals(source);
        assertEquals(List.of("{\"kernel\":", "\"", "\": ", ":", "plain \\\" text", "{\"block\": true}\n"),
                l.stream().map(Literal::text).toList());
        assertEquals(List.of(4, 5, 5, 6, 7, 8), l.stream().map(Literal::line).toList());
        assertEquals(List.of("{\"kernel\":", "\": ", "{\"block\": true}\n"),
                l.stream().map(Literal::text).filter(t -> KEY.matcher(t).find()).toList());
    }

    /** A string literal's or text block's text (escapes resolved, a text block's indentation kept) and its first line. */
    record Literal(String text, int line) {}

    /** The string literals and text blocks of a Java source, comments and character literals skipped. */
    static List<Literal> literals(String src) {
        List<Literal> out = new ArrayList<>();
        int line = 1;
        for (int i = 0; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\n') {
                line++;
            } else if (src.startsWith("//", i)) {
                while (i + 1 < src.length() && src.charAt(i + 1) != '\n') i++;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? src.length() : end + 1;
                line += count(src, i, end);
                i = end;
            } else if (c == '\'') {
                i++;
                if (src.charAt(i) == '\\') i++;
                while (src.charAt(i + 1) != '\'') i++;
                i++;
            } else if (src.startsWith("\"\"\"", i)) {
                int start = line;
                int body = src.indexOf('\n', i) + 1;
                StringBuilder text = new StringBuilder();
                i = body;
                line++;
                while (!src.startsWith("\"\"\"", i)) {
                    char d = src.charAt(i);
                    if (d == '\n') line++;
                    if (d == '\\') i = escape(src, i, text);
                    else text.append(d);
                    i++;
                }
                i += 2;
                out.add(new Literal(text.toString().stripIndent(), start));
            } else if (c == '"') {
                StringBuilder text = new StringBuilder();
                i++;
                while (src.charAt(i) != '"') {
                    if (src.charAt(i) == '\\') i = escape(src, i, text);
                    else text.append(src.charAt(i));
                    i++;
                }
                out.add(new Literal(text.toString(), line));
            }
        }
        return out;
    }

    /** Appends the character the escape at {@code i} stands for; returns the index of its last character. */
    private static int escape(String src, int i, StringBuilder text) {
        char e = src.charAt(i + 1);
        switch (e) {
            case 'n' -> text.append('\n');
            case 't' -> text.append('\t');
            case 'r' -> text.append('\r');
            case 'b' -> text.append('\b');
            case 'f' -> text.append('\f');
            case 's' -> text.append(' ');
            case 'u' -> {
                int j = i + 1;
                while (src.charAt(j) == 'u') j++;
                text.append((char) Integer.parseInt(src.substring(j, j + 4), 16));
                return j + 3;
            }
            case '\n' -> { } // a text block's line continuation
            default -> {
                if (e >= '0' && e <= '7') {
                    int j = i + 1, v = 0;
                    while (j < src.length() && j < i + 4 && src.charAt(j) >= '0' && src.charAt(j) <= '7') v = v * 8 + src.charAt(j++) - '0';
                    text.append((char) v);
                    return j - 1;
                }
                text.append(e); // \" \' \\
            }
        }
        return i + 1;
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to && i < s.length(); i++) if (s.charAt(i) == '\n') n++;
        return n;
    }
}
