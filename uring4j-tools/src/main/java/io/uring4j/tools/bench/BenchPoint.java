package io.uring4j.tools.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** One parameter point of a workload, e.g. {batch=32, registered_ring_fd=false}; keys in display order. */
public record BenchPoint(Map<String, Object> params) {
    public BenchPoint {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public int intParam(String key) {
        Object v = params.get(key);
        if (!(v instanceof Integer i)) {
            throw new IllegalArgumentException("point " + this + " has no int parameter " + key);
        }
        return i;
    }

    public boolean boolParam(String key) {
        Object v = params.get(key);
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("point " + this + " has no boolean parameter " + key);
        }
        return b;
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(" ");
        params.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }
}
