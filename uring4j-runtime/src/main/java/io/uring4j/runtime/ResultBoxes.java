package io.uring4j.runtime;

/**
 * Boxed results a loop handed out lately, by value: transfers mostly complete with the size they
 * asked for, so a handler's {@code Integer} costs no allocation in steady state
 * ({@code Integer.valueOf} caches only -128..127). Loop thread only.
 */
final class ResultBoxes {
    private final Integer[] boxes = new Integer[16];

    /** {@code value} boxed, reusing the box of a recent equal result. */
    Integer of(int value) {
        int i = (value ^ (value >>> 5) ^ (value >>> 13)) & (boxes.length - 1);
        Integer box = boxes[i];
        if (box == null || box != value) {
            box = value;
            boxes[i] = box;
        }
        return box;
    }
}
