package io.uring4j.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The model of one file in {@link RuntimeModelTest}: which bytes each write put where, and when,
 * so that every byte a read returned can be checked against the writes that may have left it.
 *
 * <p>Each write's byte at file offset {@code o} is {@link #value}{@code (id, o)} (id 0: the
 * content the file starts with), so a byte names the writes it can come from. What a byte may
 * hold when a read runs from tick {@code tI} to tick {@code tC}: the value of any write covering
 * it that began before {@code tC}, unless that write is <em>superseded</em>: a write that
 * completed normally before {@code tI} covers the byte and began after the first one had ended
 * in the kernel. A write whose end in the kernel is unknown (its future was cancelled, or
 * completed from outside by orTimeout, or its blocking caller was interrupted: the request may
 * still run, or have written a part) is never superseded; a write that failed at its completion
 * (a timeout, a close) ended then, with an unknown part written. Ticks are taken before calls
 * and after outcomes, which only widens what is allowed.
 */
final class FileModel {
    /** One write request. */
    static final class Write {
        final int id;
        final long offset;
        final int length;
        final String how;
        /** Tick before the call. */
        volatile long issue;
        /** Tick at or after the request ended in the kernel; MAX while unknown. */
        volatile long end = Long.MAX_VALUE;
        /** Bytes written by a write that completed normally; -1 otherwise. */
        volatile int written = -1;

        Write(int id, long offset, int length, String how) {
            this.id = id;
            this.offset = offset;
            this.length = length;
            this.how = how;
        }

        boolean covers(long o) {
            return o >= offset && o < offset + (written >= 0 ? written : length);
        }

        @Override
        public String toString() {
            return (id == 0 ? "the initial content" : "write " + id + " [" + offset + ", " + (offset + length) + ") " + how)
                    + " (ticks " + issue + ".." + (end == Long.MAX_VALUE ? "?" : end) + (written >= 0 ? ", wrote " + written : "") + ")";
        }
    }

    /** One read whose bytes are checked after the run. */
    private record Read(long offset, byte[] data, long issue, long done, String how) {
    }

    final Path path;
    final int size;
    private final List<Write> writes = new ArrayList<>();
    private final List<Read> reads = new ArrayList<>();

    /** Creates the file with its initial content (write id 0). */
    FileModel(Path path, int size) throws IOException {
        this.path = path;
        this.size = size;
        Write initial = new Write(0, 0, size, "initial");
        initial.issue = 0;
        initial.end = 0;
        initial.written = size;
        writes.add(initial);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = value(0, i);
        Files.write(path, b);
    }

    /** The byte write {@code id} puts at file offset {@code offset}. */
    static byte value(int id, long offset) {
        long h = (id * 0xD6E8FEB86659FD93L) ^ (offset * 0x9E3779B97F4A7C15L);
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        return (byte) (h ^ (h >>> 29));
    }

    /** A write of ids drawn by the caller (ids are unique over all files, so a stray byte names its write). */
    synchronized Write newWrite(int id, long offset, int length, String how) {
        Write w = new Write(id, offset, length, how);
        writes.add(w);
        return w;
    }

    /** {@code w}'s bytes into {@code dst} from its position. */
    static void fill(Write w, ByteBuffer dst) {
        for (int i = 0; i < w.length; i++) dst.put(value(w.id, w.offset + i));
    }

    synchronized void read(long offset, byte[] data, long issue, long done, String how) {
        reads.add(new Read(offset, data, issue, done, how));
    }

    /** Bytes of reads recorded (checked after the run), and writes made (the initial content aside). */
    synchronized long bytesRead() {
        long n = 0;
        for (Read r : reads) n += r.data.length;
        return n;
    }

    synchronized int writeCount() {
        return writes.size() - 1;
    }

    synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    /** Checks every recorded read, then the file's content now (every request ended; one thread). */
    void check(Consumer<String> violation, long now, List<FileModel> all) throws IOException {
        List<Write> ws = writes();
        List<Read> rs;
        synchronized (this) {
            rs = List.copyOf(reads);
        }
        for (Read r : rs) {
            String bad = checkBytes(ws, r.offset, r.data, r.issue, r.done, all);
            if (bad != null) violation.accept(path.getFileName() + ": read [" + r.offset + ", " + (r.offset + r.data.length) + ") "
                    + r.how + " (ticks " + r.issue + ".." + r.done + "): " + bad);
        }
        byte[] content = new byte[size];
        try (FileChannel ch = FileChannel.open(path)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // read on
            }
            if (b.hasRemaining() || ch.size() != size) {
                violation.accept(path.getFileName() + ": the file is " + ch.size() + " B, it was made " + size + " B and no write went past it");
            }
        }
        String bad = checkBytes(ws, 0, content, now, now, all);
        if (bad != null) violation.accept(path.getFileName() + ": final content: " + bad);
    }

    /**
     * Null if every byte of {@code data} (file offset {@code offset} on) may have been read from
     * tick {@code tI} to {@code tC}; else which byte could not and what it could have been.
     */
    private String checkBytes(List<Write> ws, long offset, byte[] data, long tI, long tC, List<FileModel> all) {
        List<Write> near = new ArrayList<>();
        for (Write w : ws) {
            if (w.offset < offset + data.length && offset < w.offset + w.length && w.issue < tC) near.add(w);
        }
        for (int i = 0; i < data.length; i++) {
            long o = offset + i;
            long supersededBefore = Long.MIN_VALUE; // a candidate that ended before this tick is overwritten
            for (Write w : near) {
                if (w.written >= 0 && w.end < tI && w.covers(o) && w.issue > supersededBefore) supersededBefore = w.issue;
            }
            boolean ok = false;
            for (Write w : near) {
                if (w.covers(o) && w.end >= supersededBefore && value(w.id, o) == data[i]) {
                    ok = true;
                    break;
                }
            }
            if (!ok) return "byte at offset " + o + " is " + (data[i] & 0xFF) + ", which none of these may have left: "
                    + candidates(near, o, supersededBefore) + straySource(all, o, data[i]);
        }
        return null;
    }

    private static String candidates(List<Write> near, long o, long supersededBefore) {
        StringBuilder s = new StringBuilder();
        for (Write w : near) {
            if (!w.covers(o)) continue;
            s.append("\n      ").append(w).append(" -> ").append(value(w.id, o) & 0xFF)
                    .append(w.end < supersededBefore ? " (overwritten)" : "");
        }
        return s.toString();
    }

    /** Which write of any file would have put {@code b} at {@code o} (a request that reached the wrong file). */
    private static String straySource(List<FileModel> all, long o, byte b) {
        StringBuilder s = new StringBuilder();
        for (FileModel f : all) {
            for (Write w : f.writes()) {
                if (w.id != 0 && o >= w.offset && o < w.offset + w.length && value(w.id, o) == b) {
                    s.append("\n      the byte matches ").append(w).append(" of ").append(f.path.getFileName());
                }
            }
        }
        return s.toString();
    }
}
