package io.uring4j.core;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Where the fuzz harness takes its decisions from: Jazzer's {@link FuzzedDataProvider} (coverage
 * guided, {@code bin/fuzz}) or a seeded {@link SplittableRandom} (the plain JUnit run in CI, a
 * failure names its seed). The harness only ever asks this interface, so both drive exactly the
 * same code.
 */
interface FuzzInput {

    /** A value within {@code min..max} (inclusive). */
    int intIn(int min, int max);

    /** A value within {@code min..max} (inclusive). */
    long longIn(long min, long max);

    boolean bool();

    /** Fills {@code out} with input bytes. */
    void bytes(byte[] out);

    /** Whether the input is used up: the scenario then ends (cleanly). */
    boolean exhausted();

    default int anyInt() {
        return intIn(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    default long anyLong() {
        return longIn(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** True with probability about {@code 1/n}. */
    default boolean oneIn(int n) {
        return intIn(0, n - 1) == 0;
    }

    default <T> T pick(List<T> values) {
        return values.get(intIn(0, values.size() - 1));
    }

    default int pick(int... values) {
        return values[intIn(0, values.length - 1)];
    }

    static FuzzInput of(FuzzedDataProvider data) {
        return new FuzzInput() {
            @Override public int intIn(int min, int max) { return data.consumeInt(min, max); }
            @Override public long longIn(long min, long max) { return data.consumeLong(min, max); }
            @Override public boolean bool() { return data.consumeBoolean(); }
            @Override public boolean exhausted() { return data.remainingBytes() == 0; }
            @Override public void bytes(byte[] out) {
                byte[] in = data.consumeBytes(out.length);
                System.arraycopy(in, 0, out, 0, in.length); // the rest stays zero when the input runs dry
            }
        };
    }

    /** A seeded source that ends after about {@code decisions} decisions. */
    static FuzzInput seeded(long seed, int decisions) {
        SplittableRandom random = new SplittableRandom(seed);
        return new FuzzInput() {
            private int left = decisions;

            @Override public int intIn(int min, int max) {
                left--;
                return (int) random.nextLong(min, (long) max + 1);
            }

            @Override public long longIn(long min, long max) {
                left--;
                if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) return random.nextLong();
                return max == Long.MAX_VALUE ? random.nextLong(min - 1, max) + 1 : random.nextLong(min, max + 1);
            }

            @Override public boolean bool() {
                left--;
                return random.nextBoolean();
            }

            @Override public void bytes(byte[] out) {
                left--;
                random.nextBytes(out);
            }

            @Override public boolean exhausted() {
                return left <= 0;
            }
        };
    }
}
