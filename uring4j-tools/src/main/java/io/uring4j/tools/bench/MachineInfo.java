package io.uring4j.tools.bench;

import io.uring4j.tools.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a benchmark figure depends on, recorded with every run. */
record MachineInfo(String kernel, int cpus, String cpuModel, String jdk, String liburing, String ioUringDisabled,
                   String loadAverage) {

    static MachineInfo collect() {
        List<String> cpuinfo = lines("/proc/cpuinfo");
        int cpus = (int) cpuinfo.stream().filter(l -> l.startsWith("processor")).count();
        String model = cpuinfo.stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        String jdk = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version");
        return new MachineInfo(first("/proc/sys/kernel/osrelease", System.getProperty("os.version")),
                cpus > 0 ? cpus : Runtime.getRuntime().availableProcessors(), model, jdk, CPeers.liburingVersion(),
                first("/proc/sys/kernel/io_uring_disabled", "n/a"), first("/proc/loadavg", "n/a"));
    }

    String toJson() {
        return "{\"kernel\":" + Json.str(kernel) + ",\"cpus\":" + cpus + ",\"cpu_model\":" + Json.str(cpuModel)
                + ",\"jdk\":" + Json.str(jdk) + ",\"liburing\":" + Json.str(liburing)
                + ",\"io_uring_disabled\":" + Json.str(ioUringDisabled) + ",\"loadavg_at_start\":" + Json.str(loadAverage) + "}";
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
