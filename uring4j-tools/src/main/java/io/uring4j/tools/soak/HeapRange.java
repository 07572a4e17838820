package io.uring4j.tools.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the Java heap lies in this process's address space, and how much of it is resident.
 * The JVM reserves the heap as one range of exactly the maximum heap size at startup and
 * commits parts of it as it grows, each part a mapping of its own; so the heap is the run of
 * adjacent mappings of {@code /proc/self/maps} that spans exactly that size. Resident heap
 * pages grow for a while after the heap was committed, as the collector first touches its
 * regions: that is not a leak, so the soak judges the resident set outside the heap.
 */
record HeapRange(long start, long end) {

    /** The heap's range, or null if no run of mappings spans exactly the maximum heap size. */
    static HeapRange find() {
        long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        if (max <= 0) return null;
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/maps"));
            long[] starts = new long[lines.size()], ends = new long[lines.size()];
            for (int i = 0; i < lines.size(); i++) {
                long[] range = range(lines.get(i));
                starts[i] = range[0];
                ends[i] = range[1];
            }
            int first = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0 && starts[i] != ends[i - 1]) first = i; // a gap: a new run starts
                while (ends[i] - starts[first] > max) first++;
                if (ends[i] - starts[first] == max) return new HeapRange(starts[first], ends[i]);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** "7f00-7f80 rw-p ...": {start, end}. */
    private static long[] range(String mapsLine) {
        int dash = mapsLine.indexOf('-');
        int space = mapsLine.indexOf(' ', dash);
        return new long[] {Long.parseUnsignedLong(mapsLine, 0, dash, 16), Long.parseUnsignedLong(mapsLine, dash + 1, space, 16)};
    }

    /** Resident bytes of the mappings inside the range, from {@code /proc/self/smaps}; -1 if unreadable. */
    long resident() {
        long total = 0;
        boolean inside = false;
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/self/smaps"))) {
            for (String line; (line = r.readLine()) != null; ) {
                char c = line.isEmpty() ? ' ' : line.charAt(0);
                if (Character.digit(c, 16) >= 0 && line.indexOf('-') > 0 && line.indexOf(' ') > line.indexOf('-')) {
                    long[] range = range(line);
                    inside = range[0] >= start && range[1] <= end;
                } else if (inside && line.startsWith("Rss:")) {
                    total += Long.parseLong(line.substring(4).replace("kB", "").strip()) * 1024;
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
