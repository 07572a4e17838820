package io.uring4j.tools.soak;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uring4j.tools.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Whether what the process holds stays flat: after the warm-up, the mean of the last third of
 * the samples may exceed the mean of the first third by at most a tolerance (a fraction, plus
 * an absolute slack for small figures). Growth within the run is what a leak looks like; a
 * level that is merely high is not judged here.
 */
final class Flatness {
    private Flatness() {}

    /** A resource, how to read it from a sample, and how much it may grow. */
    record Rule(String name, ToLongFunction<Sample> value, double fraction, long slack, boolean isBytes) {
    }

    static final Rule FDS = new Rule("fds", Sample::fds, 0.05, 20, false);
    /** Pools keep their highest demand: a new peak after the warm-up is a step of a few MiB, not a leak. */
    static final Rule NATIVE = new Rule("native", Sample::nativeBytes, 0.20, 4 << 20, true);
    /** VmRSS less the resident heap: the heap's share grows while the collector first touches its regions. */
    static final Rule RSS_OUTSIDE_HEAP = new Rule("rss-outside-heap", Sample::rssOutsideHeap, 0.20, 32 << 20, true);
    /** VmRSS, when the heap's range is unknown. */
    static final Rule RSS = new Rule("rss", Sample::rssBytes, 0.20, 32 << 20, true);

    /** One rule's figures: the two means and the limit the second had to stay under. */
    record Check(Rule rule, double first, double last, double limit) {
        boolean ok() {
            return last <= limit;
        }

        String describe() {
            String f = rule.isBytes() ? Sample.bytes(first) : String.format(Locale.ROOT, "%.0f", first);
            String l = rule.isBytes() ? Sample.bytes(last) : String.format(Locale.ROOT, "%.0f", last);
            String lim = rule.isBytes() ? Sample.bytes(limit) : String.format(Locale.ROOT, "%.0f", limit);
            double growth = first == 0 ? 0 : (last - first) / first * 100;
            return String.format(Locale.ROOT, "%s %s -> %s (%+.1f%%, limit %s: +%.0f%% + %s) %s", rule.name(), f, l, growth, lim,
                    rule.fraction() * 100, rule.isBytes() ? Sample.bytes(rule.slack()) : rule.slack(), ok() ? "flat" : "GROWING");
        }

        /** This check in the JSON report. */
        ObjectNode json() {
            return Json.object().put("name", rule.name()).put("first_third_mean", Json.fixed(first, 0))
                    .put("last_third_mean", Json.fixed(last, 0)).put("limit", Json.fixed(limit, 0)).put("ok", ok());
        }
    }

    /** The samples taken after {@code warmupSeconds}, or fewer than 3 of them: then no verdict (empty). */
    static List<Check> judge(List<Sample> samples, double warmupSeconds) {
        List<Sample> steady = samples.stream().filter(s -> s.seconds() >= warmupSeconds).toList();
        List<Check> out = new ArrayList<>();
        if (steady.size() < 3) return out;
        int third = steady.size() / 3;
        List<Sample> first = steady.subList(0, third);
        List<Sample> last = steady.subList(steady.size() - third, steady.size());
        boolean heapKnown = steady.stream().allMatch(s -> s.heapResident() >= 0);
        for (Rule r : List.of(FDS, NATIVE, heapKnown ? RSS_OUTSIDE_HEAP : RSS)) {
            double a = mean(first, r.value());
            double b = mean(last, r.value());
            out.add(new Check(r, a, b, a * (1 + r.fraction()) + r.slack()));
        }
        return out;
    }

    private static double mean(List<Sample> samples, ToLongFunction<Sample> value) {
        return samples.stream().mapToLong(value).average().orElse(0);
    }
}
