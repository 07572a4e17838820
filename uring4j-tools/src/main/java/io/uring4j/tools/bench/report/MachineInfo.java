package io.uring4j.tools.bench.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uring4j.tools.Json;
import io.uring4j.tools.bench.env.CPeers;
import io.uring4j.tools.bench.env.Fio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a benchmark figure depends on, recorded with every run. */
public record MachineInfo(String kernel, int cpus, String cpuModel, long memoryMiB, String jdk, String liburing, String fio,
                   String ioUringDisabled, String seccomp, String loadAverage, String loadAtEnd,
                   double maxLoad) {

    /** Collects the machine's description (at the end of a run); {@code loadAtStart} is /proc/loadavg read before it. */
    public static MachineInfo collect(String loadAtStart, double maxLoadDuringRun) {
        List<String> cpuinfo = lines("/proc/cpuinfo");
        int cpus = (int) cpuinfo.stream().filter(l -> l.startsWith("processor")).count();
        String model = cpuinfo.stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        long memKiB = lines("/proc/meminfo").stream().filter(l -> l.startsWith("MemTotal:")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        String seccomp = lines("/proc/self/status").stream().filter(l -> l.startsWith("Seccomp:")).findFirst()
                .map(l -> switch (l.substring(8).trim()) {
                    case "0" -> "disabled";
                    case "1" -> "strict";
                    case "2" -> "filter";
                    default -> l.substring(8).trim();
                }).orElse("n/a");
        String jdk = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version");
        return new MachineInfo(first("/proc/sys/kernel/osrelease", System.getProperty("os.version")),
                cpus > 0 ? cpus : Runtime.getRuntime().availableProcessors(), model, memKiB / 1024, jdk,
                CPeers.liburingVersion(), Fio.version(), first("/proc/sys/kernel/io_uring_disabled", "n/a"), seccomp,
                loadAtStart, currentLoad(), maxLoadDuringRun);
    }

    /** The line of /proc/loadavg now, "n/a" if unknown. */
    public static String currentLoad() {
        return first("/proc/loadavg", "n/a");
    }

    /** The 1-minute load average now, 0 if unknown. */
    public static double currentLoad1() {
        try {
            return Double.parseDouble(currentLoad().split("\\s+")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** One line for tables and reports. */
    String summary() {
        return String.format("kernel %s, %d CPUs (%s), %d MiB RAM, %s, liburing %s, %s, io_uring_disabled=%s, seccomp %s, load average at start %s, at end %s, 1-min maximum during the run %.2f",
                kernel, cpus, cpuModel, memoryMiB, jdk, liburing, fio, ioUringDisabled, seccomp, load3(loadAverage), load3(loadAtEnd), maxLoad);
    }

    /** The JSON object of the run's {@code machine}. */
    public ObjectNode toJson() {
        return Json.object().put("kernel", kernel).put("cpus", cpus).put("cpu_model", cpuModel).put("memory_mib", memoryMiB)
                .put("jdk", jdk).put("liburing", liburing).put("fio", fio).put("io_uring_disabled", ioUringDisabled)
                .put("seccomp", seccomp).put("loadavg_at_start", loadAverage).put("loadavg_at_end", loadAtEnd)
                .put("loadavg_1min_max", Json.exact(maxLoad));
    }

    /** The three load averages of a /proc/loadavg line. */
    private static String load3(String loadavg) {
        String[] f = loadavg.split("\\s+");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : loadavg;
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String first(String file, String fallback) {
        List<String> l = lines(file);
        return l.isEmpty() ? fallback : l.get(0).trim();
    }
}
