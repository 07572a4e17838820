package io.uring4j.tools;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The JSON of the tools, all through Jackson: {@link #MAPPER} reads what fio, the C peers and
 * the bench children print, and every report is a tree of its nodes written by it. Numbers
 * that are rounded go in as {@link BigDecimal}s ({@link #rounded}, {@link #fixed}, {@link #exact}),
 * which the mapper writes in plain notation ({@code 0.000000456}, never {@code 4.56E-7}); a
 * figure that is unknown (NaN) or infinite becomes {@code null}.
 */
public final class Json {
    /** The one mapper of the tools; configured here, not to be reconfigured elsewhere. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /** Two spaces a level, one field or element a line, {@code "key": value}, {@code {}} and {@code []} when empty. */
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private Json() {}

    /** A new, empty object (its fields keep the order they are put in). */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code node} on one line. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of plain nodes always serializes
        }
    }

    /** {@code node} indented for people to read, one field or element a line (no line break at the end). */
    public static String writePretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code d} to 9 significant digits, trailing zeros dropped ({@code 2.0} is {@code 2}); null for NaN or infinite. */
    public static BigDecimal rounded(double d) {
        return rounded(d, 9);
    }

    /** {@code d} to {@code digits} significant digits, trailing zeros dropped; null for NaN or infinite. */
    public static BigDecimal rounded(double d, int digits) {
        if (!Double.isFinite(d)) return null;
        return BigDecimal.valueOf(d).round(new MathContext(digits, RoundingMode.HALF_UP)).stripTrailingZeros();
    }

    /** {@code d} with {@code decimals} digits after the point, as {@code %.Nf} gives it; null for NaN or infinite. */
    public static BigDecimal fixed(double d, int decimals) {
        if (!Double.isFinite(d)) return null;
        return BigDecimal.valueOf(d).setScale(decimals, RoundingMode.HALF_UP);
    }

    /** {@code d} with the digits {@link Double#toString} gives ({@code 1.0} stays {@code 1.0}); null for NaN or infinite. */
    public static BigDecimal exact(double d) {
        if (!Double.isFinite(d)) return null;
        return BigDecimal.valueOf(d);
    }
}
