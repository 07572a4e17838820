package io.uring4j.tools.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The open fds of this process by kind (socket, pipe, anon_inode:[io_uring], file, ...): what a leak is made of. */
final class FdKinds {
    private FdKinds() {}

    static Map<String, Integer> now() {
        Map<String, Integer> kinds = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : s.toList()) {
                try {
                    kinds.merge(kind(Files.readSymbolicLink(fd).toString()), 1, Integer::sum);
                } catch (IOException gone) {
                    // closed meanwhile (or the listing's own fd)
                }
            }
        } catch (IOException e) {
            kinds.put("unreadable /proc/self/fd: " + e.getMessage(), 1);
        }
        return kinds;
    }

    /** "socket:[123]" is a socket, "anon_inode:[eventfd]" an eventfd, "/tmp/x" a file. */
    static String kind(String target) {
        if (target.startsWith("/")) return "file";
        if (target.startsWith("anon_inode:")) return target;
        int bracket = target.indexOf(":[");
        return bracket > 0 ? target.substring(0, bracket) : target;
    }

    /** "socket +12, pipe -1": the kinds whose count changed. */
    static String difference(Map<String, Integer> before, Map<String, Integer> after) {
        StringJoiner j = new StringJoiner(", ");
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String k : names) {
            int d = after.getOrDefault(k, 0) - before.getOrDefault(k, 0);
            if (d != 0) j.add(k + (d > 0 ? " +" : " ") + d);
        }
        return j.length() == 0 ? "no kind changed" : j.toString();
    }
}
