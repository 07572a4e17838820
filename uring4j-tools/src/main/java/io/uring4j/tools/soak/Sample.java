package io.uring4j.tools.soak;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uring4j.runtime.EventLoopGroup;
import io.uring4j.tools.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/** One line of the soak's report: the counters so far and what the process holds right now. */
record Sample(double seconds, long messages, long bytesEchoed, long conversations, long copies, long reads, long cancels,
              long errors, long fds, long nativeBytes, long rssBytes, long heapResident, long heapUsed, long heapCommitted,
              int clientsLive, long serverLive) {

    /** Now; {@code heap} null if the heap's range is unknown (then {@link #heapResident} is -1). */
    static Sample take(double seconds, Tally t, int clientsLive, HeapRange heap) {
        MemoryUsage usage = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new Sample(seconds, t.messages.sum(), t.bytesEchoed.sum(), t.closes.sum() + t.halfCloses.sum() + t.resets.sum(),
                t.copies.sum(), t.reads.sum(), t.cancels.sum(), t.errors(), openFds(), EventLoopGroup.nativeBytes(), residentBytes(),
                heap == null ? -1 : heap.resident(), usage.getUsed(), usage.getCommitted(), clientsLive, t.serverLive());
    }

    /** The resident set outside the Java heap (all of it if the heap's share is unknown): where a native leak shows. */
    long rssOutsideHeap() {
        return heapResident >= 0 ? rssBytes - heapResident : rssBytes;
    }

    /** Open file descriptors of this process (the listing's own directory fd not counted). */
    static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resident set size, from VmRSS of /proc/self/status. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
                }
            }
            throw new IOException("no VmRSS line in /proc/self/status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The line printed every few seconds. */
    String line() {
        return String.format(Locale.ROOT, "%7.1f s  echo %,d msgs %s  conv %,d  copies %,d  reads %,d  cancels %,d  errors %d"
                        + "  | fds %,d  native %s  rss %s (%s outside the heap)  heap %s used of %s  live %d/%d",
                seconds, messages, bytes(bytesEchoed), conversations, copies, reads, cancels, errors, fds, bytes(nativeBytes),
                bytes(rssBytes), bytes(rssOutsideHeap()), bytes(heapUsed), bytes(heapCommitted), clientsLive, serverLive);
    }

    /** This sample in the JSON report. */
    ObjectNode json() {
        return Json.object().put("seconds", Json.fixed(seconds, 2)).put("messages", messages).put("bytes_echoed", bytesEchoed)
                .put("conversations", conversations).put("copies", copies).put("reads", reads).put("cancels", cancels)
                .put("errors", errors).put("fds", fds).put("native_bytes", nativeBytes).put("rss_bytes", rssBytes)
                .put("heap_resident", heapResident).put("heap_used", heapUsed).put("heap_committed", heapCommitted)
                .put("clients_live", clientsLive).put("server_live", serverLive);
    }

    static String bytes(double b) {
        if (b < 1024) return String.format(Locale.ROOT, "%.0f B", b);
        if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024);
        if (b < 1024.0 * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", b / (1024 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    }
}
