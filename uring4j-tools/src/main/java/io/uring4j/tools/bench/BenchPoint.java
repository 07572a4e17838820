package io.uring4j.tools.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/** One parameter point of a workload, e.g. {batch=32, registered_ring_fd=false}; keys in display order. */
public record BenchPoint(Map<String, Object> params) {
    public BenchPoint {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** The point without parameters, which {@link #with} builds the others from. */
    public static final BenchPoint NONE = new BenchPoint(Map.of());

    /** This point with {@code param} set to {@code value} (a new parameter goes after those there are). */
    public <T> BenchPoint with(Param<T> param, T value) {
        Map<String, Object> p = new LinkedHashMap<>(params);
        p.put(param.name(), Objects.requireNonNull(value, param.name()));
        return new BenchPoint(p);
    }

    /** The value of {@code param}; IllegalArgumentException if this point has no such parameter of its type. */
    public <T> T get(Param<T> param) {
        Object v = params.get(param.name());
        if (!param.type().isInstance(v)) {
            throw new IllegalArgumentException("point " + this + " has no " + param.type().getSimpleName() + " parameter " + param.name());
        }
        return param.type().cast(v);
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(" ");
        params.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }
}
