package io.uring4j.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Which opcodes the running kernel supports: port of {@code io_uring_get_probe_ring} and the
 * {@code io_uring_opcode_supported} helper. Names come from {@link Opcode}.
 */
public final class Probe {
    private static final int PROBE_OPS = 256;
    private static final int IO_URING_OP_SUPPORTED = 1;

    private final int lastOp;
    private final boolean[] supported;

    private Probe(int lastOp, boolean[] supported) {
        this.lastOp = lastOp;
        this.supported = supported;
    }

    /**
     * Probes with a temporary two-entry ring.
     *
     * @return what this kernel supports
     * @throws IoUringException if the ring cannot be set up, or the probe fails (EINVAL before 5.6)
     */
    public static Probe probe() {
        try (IoUring ring = IoUring.open(2)) {
            return of(ring);
        }
    }

    /**
     * IORING_REGISTER_PROBE on {@code ring}.
     *
     * @param ring an open ring
     * @return what this kernel supports
     * @throws IllegalStateException if {@code ring} is closed
     * @throws IoUringException      if the probe fails (EINVAL before 5.6)
     */
    public static Probe of(IoUring ring) {
        try (Arena arena = Arena.ofConfined()) {
            long size = Layouts.PROBE_HEADER.byteSize() + PROBE_OPS * Layouts.PROBE_OP.byteSize();
            MemorySegment probe = arena.allocate(size, 8);
            ring.registerOrThrow(RegisterOp.REGISTER_PROBE, probe, PROBE_OPS, "probe " + PROBE_OPS + " opcodes");
            int lastOp = Byte.toUnsignedInt(probe.get(JAVA_BYTE, Layouts.PROBE_LAST_OP));
            int opsLen = Byte.toUnsignedInt(probe.get(JAVA_BYTE, Layouts.PROBE_OPS_LEN));
            boolean[] supported = new boolean[PROBE_OPS];
            for (int i = 0; i < opsLen; i++) {
                long at = Layouts.PROBE_HEADER.byteSize() + i * Layouts.PROBE_OP.byteSize();
                int op = Byte.toUnsignedInt(probe.get(JAVA_BYTE, at + Layouts.PROBE_OP_OP));
                short flags = probe.get(JAVA_SHORT, at + Layouts.PROBE_OP_FLAGS);
                supported[op] = (flags & IO_URING_OP_SUPPORTED) != 0;
            }
            return new Probe(lastOp, supported);
        }
    }

    /**
     * The highest opcode number the kernel knows.
     *
     * @return the kernel's last opcode number ({@code IORING_OP_LAST - 1})
     */
    public int lastOp() {
        return lastOp;
    }

    /**
     * Whether the kernel supports an opcode.
     *
     * @param op the opcode
     * @return whether the probe flagged it supported
     */
    public boolean supports(Opcode op) {
        return supported[op.code()];
    }

    /**
     * Whether opcode number {@code code} (which may be newer than {@link Opcode}) is supported.
     *
     * @param code the kernel's opcode number
     * @return whether the probe flagged it supported; {@code false} outside 0..255
     */
    public boolean supports(int code) {
        return code >= 0 && code < supported.length && supported[code];
    }

    /**
     * The supported opcodes this library has names for.
     *
     * @return a new set of them
     */
    public EnumSet<Opcode> supportedOpcodes() {
        EnumSet<Opcode> set = EnumSet.noneOf(Opcode.class);
        for (Opcode op : Opcode.values()) {
            if (supports(op)) set.add(op);
        }
        return set;
    }

    /**
     * How many opcodes the kernel supports, including any newer than {@link Opcode}.
     *
     * @return the count of opcodes the probe flagged supported
     */
    public int supportedCount() {
        int n = 0;
        for (boolean b : supported) if (b) n++;
        return n;
    }
}
