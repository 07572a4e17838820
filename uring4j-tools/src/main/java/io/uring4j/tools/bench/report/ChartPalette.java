package io.uring4j.tools.bench.report;

import java.awt.Color;
import java.util.List;

/**
 * One colour per contender, the same in every chart: a contender's colour comes from its name,
 * never from its place in a chart's list. uring4j's own contenders get the strong colours and
 * thicker whiskers; the peers get muted ones, so the subject is what the eye finds first.
 */
final class ChartPalette {
    /** Strong colours for uring4j's contenders (names starting with "uring4j"). */
    private static final List<Color> SUBJECT = List.of(new Color(0xD6, 0x27, 0x28), new Color(0xFF, 0x7F, 0x0E),
            new Color(0x8C, 0x1D, 0x40), new Color(0xE3, 0x77, 0xC2));
    /** Muted colours for the peers (liburing, fio, Netty, the JDK). */
    private static final List<Color> PEERS = List.of(new Color(0x1F, 0x77, 0xB4), new Color(0x2C, 0xA0, 0x2C),
            new Color(0x94, 0x67, 0xBD), new Color(0x8C, 0x56, 0x4B), new Color(0x7F, 0x7F, 0x7F),
            new Color(0x17, 0xBE, 0xCF), new Color(0xBC, 0xBD, 0x22), new Color(0x39, 0x3B, 0x79));

    private ChartPalette() {
    }

    static boolean isSubject(String contender) {
        return contender.startsWith("uring4j");
    }

    /** The colour of {@code contender} in every chart. */
    static Color of(String contender) {
        List<Color> from = isSubject(contender) ? SUBJECT : PEERS;
        return from.get(Math.floorMod(stableHash(contender), from.size()));
    }

    /** String.hashCode is specified, so this is the same on every JVM and run. */
    private static int stableHash(String s) {
        return s.hashCode() * 0x9E3779B9 >>> 7;
    }
}
