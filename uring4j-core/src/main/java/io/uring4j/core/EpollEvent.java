package io.uring4j.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Arrays of {@code struct epoll_event}, for {@link PollOps#prepEpollCtl} and
 * {@link PollOps#prepEpollWait}.
 *
 * <pre>
 *  x86-64 (packed, 12 bytes)           other 64-bit (16 bytes)
 *  0        4                  12      0        4        8                  16
 *  | events | data (u64)       |       | events | (pad)  | data (u64)       |
 * </pre>
 *
 * <p>The kernel declares the struct packed on x86-64 only, so its size depends on the CPU.
 * An event passed to epoll_ctl is copied when the request is submitted (must live until the
 * submitting enter returns with {@link Feature#SUBMIT_STABLE} and no SQPOLL); an array given to
 * epoll_wait is written on completion and must live until then.
 */
public final class EpollEvent {
    private EpollEvent() {}

    private static final boolean PACKED = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> true;
        default -> false;
    };

    /** {@code struct epoll_event} for this CPU: packed (12 bytes) on x86-64, 16 bytes elsewhere. */
    public static final StructLayout LAYOUT = PACKED
            ? MemoryLayout.structLayout(JAVA_INT.withName("events"), JAVA_LONG_UNALIGNED.withName("data"))
                    .withByteAlignment(4).withName("epoll_event")
            : MemoryLayout.structLayout(JAVA_INT.withName("events"), MemoryLayout.paddingLayout(4),
                    JAVA_LONG.withName("data")).withName("epoll_event");

    /** Bytes per entry: 12 on x86-64, 16 elsewhere. */
    public static final long BYTES = LAYOUT.byteSize();

    private static final long EVENTS = LAYOUT.byteOffset(groupElement("events"));
    private static final long DATA = LAYOUT.byteOffset(groupElement("data"));

    /**
     * Allocates a zeroed array of {@code count} events.
     *
     * @param allocator where it is allocated (it shares its lifetime)
     * @param count     the number of entries ({@code >= 0})
     * @return a segment of {@code count * }{@link #BYTES} bytes, 8-byte aligned
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public static MemorySegment allocate(SegmentAllocator allocator, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("an epoll_event count is >= 0, given " + count);
        }
        return allocator.allocate(BYTES * count, 8);
    }

    /**
     * Allocates one event holding {@code events} (EPOLL* bits) and the user's {@code data}, e.g.
     * for {@link PollOps#prepEpollCtl}.
     *
     * @param allocator where it is allocated (it shares its lifetime)
     * @param events    the {@code EPOLL*} / {@code POLL*} event bits ({@link PollOps#POLLIN}, …)
     * @param data      the value epoll_wait reports with the event (e.g. the fd, or a key)
     * @return a {@link #BYTES}-byte segment
     */
    public static MemorySegment allocate(SegmentAllocator allocator, int events, long data) {
        MemorySegment ev = allocate(allocator, 1);
        set(ev, 0, events, data);
        return ev;
    }

    /**
     * Writes entry {@code index}.
     *
     * @param array  the epoll_event array
     * @param index  the entry, 0..(entries the array holds - 1)
     * @param events the event bits
     * @param data   the user data
     * @throws IndexOutOfBoundsException if {@code index} is outside the array
     */
    public static void set(MemorySegment array, int index, int events, long data) {
        long at = entry(array, index);
        array.set(JAVA_INT, at + EVENTS, events);
        array.set(JAVA_LONG_UNALIGNED, at + DATA, data);
    }

    /**
     * Reads the event bits of entry {@code index}.
     *
     * @param array the epoll_event array
     * @param index the entry, 0..(entries the array holds - 1)
     * @return the {@code EPOLL*} bits (for epoll_wait results: the events that occurred)
     * @throws IndexOutOfBoundsException if {@code index} is outside the array
     */
    public static int events(MemorySegment array, int index) {
        return array.get(JAVA_INT, entry(array, index) + EVENTS);
    }

    /**
     * Reads the user data of entry {@code index}.
     *
     * @param array the epoll_event array
     * @param index the entry, 0..(entries the array holds - 1)
     * @return the data registered with the fd's epoll_ctl
     * @throws IndexOutOfBoundsException if {@code index} is outside the array
     */
    public static long data(MemorySegment array, int index) {
        return array.get(JAVA_LONG_UNALIGNED, entry(array, index) + DATA);
    }

    private static long entry(MemorySegment array, int index) {
        long n = array.byteSize() / BYTES;
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException("epoll_event index must be within 0.." + (n - 1) + ", given " + index);
        }
        return index * BYTES;
    }
}
