package io.uring4j.testing;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes every free file descriptor of the process (opening /dev/null until the kernel answers
 * EMFILE), so the next call that needs one fails the way it would under real exhaustion; for a
 * child started under a low {@code prlimit --nofile}, which keeps the filling short. Child side.
 */
public final class FdHog implements AutoCloseable {
    private final List<FileInputStream> held = new ArrayList<>();

    /** Fills the fd table; the process has no free fd when this returns. */
    public static FdHog exhaust(int atMost) {
        FdHog hog = new FdHog();
        while (hog.held.size() < atMost) {
            try {
                hog.held.add(new FileInputStream("/dev/null"));
            } catch (IOException e) {
                if (!String.valueOf(e.getMessage()).contains("Too many open files")) {
                    hog.close();
                    throw new IllegalStateException("opening /dev/null failed other than with EMFILE: " + e.getMessage(), e);
                }
                return hog;
            }
        }
        hog.close();
        throw new IllegalStateException("opened " + atMost + " fds without reaching the limit: run the child under prlimit --nofile");
    }

    /** How many fds this hog holds. */
    public int held() {
        return held.size();
    }

    /** Gives back {@code n} fds (the most recently taken). */
    public void release(int n) {
        for (int i = 0; i < n && !held.isEmpty(); i++) {
            closeQuietly(held.removeLast());
        }
    }

    /** Gives back every fd. */
    @Override
    public void close() {
        release(held.size());
    }

    private static void closeQuietly(FileInputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // /dev/null: nothing to flush
        }
    }
}
