package io.uring4j.tools.bench.contender;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The echo contender's own checks: the load client's output and the fd limit (the full run is EchoWorkloadTest's). */
class EchoServerContenderTest {

    @Test
    void clientOutputIsParsed() {
        Map<String, Double> f = EchoClient.parse("{\"requests_per_s\":137012.5,\"p50_us\":690.1,\"p99_us\":1.5e3,"
                + "\"errors\":0,\"requests\":1370125,\"server_cpu_s\":9.31}");
        assertEquals(137012.5, f.get("requests_per_s"));
        assertEquals(1500.0, f.get("p99_us"));
        assertEquals(1370125.0, f.get("requests"));
        assertEquals(9.31, f.get("server_cpu_s"));
    }

    @Test
    void clientOutputIsReadAsJson() {
        Map<String, Double> f = EchoClient.parse("a warning first\n{\"requests_per_s\":1.0e5,\"note\":\"x\\\":9\",\"size\":64}\n");
        assertEquals(Map.of("requests_per_s", 1.0e5, "size", 64.0), f, "only the numbers, a string that looks like a field is none");
        assertThrows(IllegalStateException.class, () -> EchoClient.parse("echo_client: nothing measured\n"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EchoClient.parse("{\"requests_per_s\":nan}"));
        assertTrue(e.getMessage().contains("no valid JSON"), e.getMessage());
    }

    @Test
    void tooManyConnectionsForTheFdLimitIsReportedNotCrashed() {
        long hard = EchoServerContender.hardFdLimit();
        assumeTrue(hard > 0, "no finite fd hard limit here");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EchoServerContender.checkFdLimit((int) Math.min(Integer.MAX_VALUE, hard)));
        assertTrue(e.getMessage().contains("hard limit"), e.getMessage());
        EchoServerContender.checkFdLimit(100);
    }
}
