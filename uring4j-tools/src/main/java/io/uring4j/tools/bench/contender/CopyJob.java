package io.uring4j.tools.bench.contender;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * The copy that every contender of the copy workload makes, and what the checks around it
 * found: the source and destination, the source's CRC32C, which contenders' first copy matched
 * it, and whether the page cache could be dropped before every copy (the workload's notes say
 * both).
 */
public final class CopyJob {
    private Path src;
    private Path dst;
    private long srcCrc;
    private final Set<String> checksummed = new HashSet<>();
    private boolean cachesDropped = true;

    /** The files of the next copies, the source already written with CRC32C {@code srcCrc}; no copy is checked yet. */
    public void begin(Path src, Path dst, long srcCrc) {
        this.src = src;
        this.dst = dst;
        this.srcCrc = srcCrc;
        checksummed.clear();
    }

    /** The file copied. */
    public Path src() {
        return src;
    }

    /** Where it is copied to (deleted before and after every copy). */
    public Path dst() {
        return dst;
    }

    long srcCrc() {
        return srcCrc;
    }

    /** The contenders whose first copy matched the source's CRC32C (read-only). */
    public Set<String> checksummed() {
        return Collections.unmodifiableSet(checksummed);
    }

    /** Whether {@code contender}'s copy is its first, the one to compare with the source; it is counted as matching. */
    boolean firstCopy(String contender) {
        return checksummed.add(contender);
    }

    /** The first copy of {@code contender} did not match after all. */
    void mismatch(String contender) {
        checksummed.remove(contender);
    }

    /** Whether the page cache was dropped before every copy so far. */
    public boolean cachesDropped() {
        return cachesDropped;
    }

    void cacheDropped(boolean dropped) {
        cachesDropped &= dropped;
    }
}
