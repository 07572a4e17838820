package io.uring4j.tools.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The open fds of this process by kind (socket, pipe, anon_inode:[io_uring], file, ...) and the
 * paths of the open files: what a leak is made of.
 */
record FdKinds(Map<String, Integer> kinds, List<String> files) {

    static FdKinds now() {
        Map<String, Integer> kinds = new TreeMap<>();
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : s.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    kinds.merge(kind(target), 1, Integer::sum);
                    if (target.startsWith("/")) files.add(target);
                } catch (IOException gone) {
                    // closed meanwhile (or the listing's own fd)
                }
            }
        } catch (IOException e) {
            kinds.put("unreadable /proc/self/fd: " + e.getMessage(), 1);
        }
        return new FdKinds(kinds, files);
    }

    /** "socket:[123]" is a socket, "anon_inode:[eventfd]" an eventfd, "/tmp/x" a file. */
    static String kind(String target) {
        if (target.startsWith("/")) return "file";
        if (target.startsWith("anon_inode:")) return target;
        int bracket = target.indexOf(":[");
        return bracket > 0 ? target.substring(0, bracket) : target;
    }

    /** The paths of the files open now that were not open in {@code before}. */
    List<String> openedSince(FdKinds before) {
        List<String> opened = new ArrayList<>(files);
        for (String f : before.files) opened.remove(f);
        return opened;
    }

    /** "socket +12, pipe -1; new files: /tmp/a (deleted)": the kinds whose count changed, and the files opened since. */
    String since(FdKinds before) {
        StringJoiner j = new StringJoiner(", ");
        TreeSet<String> names = new TreeSet<>(before.kinds.keySet());
        names.addAll(kinds.keySet());
        for (String k : names) {
            int d = kinds.getOrDefault(k, 0) - before.kinds.getOrDefault(k, 0);
            if (d != 0) j.add(k + (d > 0 ? " +" : " ") + d);
        }
        List<String> opened = openedSince(before);
        String kindsChanged = j.length() == 0 ? "no kind changed" : j.toString();
        return opened.isEmpty() ? kindsChanged
                : kindsChanged + "; files opened since: " + String.join(", ", opened.subList(0, Math.min(8, opened.size())));
    }
}
