package io.uring4j.core;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Answers once per JVM whether io_uring works here, and if not why: Netty's
 * {@code IoUring.isAvailable()/unavailabilityCause()} for uring4j. A two-entry ring is set up
 * and closed; failures are explained from the sysctl, seccomp status and errno.
 */
final class Availability {
    private Availability() {}

    static final Throwable CAUSE = check();

    private static Throwable check() {
        if (Boolean.getBoolean("uring4j.disabled")) {
            return new UnsupportedOperationException("disabled by -During4j.disabled=true");
        }
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return new UnsupportedOperationException("io_uring exists only on Linux, this is " + System.getProperty("os.name"));
        }
        try (IoUring ring = IoUring.open(2)) {
            return null;
        } catch (IoUringException e) {
            return new UnsupportedOperationException(explain(e), e);
        } catch (IllegalCallerException e) {
            return new UnsupportedOperationException("native access is not enabled for uring4j: run with "
                    + "--enable-native-access=io.uring4j.core (module path) or ALL-UNNAMED (class path)", e);
        } catch (Throwable t) {
            return t;
        }
    }

    private static String explain(IoUringException e) {
        String disabled = readFirstLine("/proc/sys/kernel/io_uring_disabled");
        String seccomp = grep("/proc/self/status", "Seccomp:");
        return switch (e.errno()) {
            case 38 -> "the kernel has no io_uring (ENOSYS): too old or built without CONFIG_IO_URING";
            case 1 -> "io_uring_setup is not permitted (EPERM): kernel.io_uring_disabled=" + disabled
                    + " (1 allows only the io_uring_group, 2 disables it), " + seccomp
                    + " (a seccomp filter such as Docker's default profile blocks io_uring)";
            case 12 -> "io_uring_setup ran out of memory (ENOMEM): check ulimit -l on kernels before 5.12";
            default -> e.getMessage() + " (kernel.io_uring_disabled=" + disabled + ", " + seccomp + ")";
        };
    }

    private static String readFirstLine(String path) {
        try {
            return Files.readAllLines(Path.of(path)).getFirst().trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String grep(String path, String prefix) {
        try {
            return Files.readAllLines(Path.of(path)).stream().filter(l -> l.startsWith(prefix))
                    .map(l -> l.replaceAll("\\s+", " ").trim()).findFirst().orElse(prefix + " unknown");
        } catch (Exception e) {
            return prefix + " unknown";
        }
    }
}
