package io.uring4j.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Kernel structs of {@code io_uring.h} as named layouts, with the kernel's field and union-member
 * names. Offsets used on hot paths are {@code static final long}s derived from these layouts, so
 * a layout mistake shows up as a wrong size in {@code LayoutsTest}, not as a corrupt SQE.
 */
final class Layouts {
    private Layouts() {}

    /*
     * struct io_uring_sqe (64 bytes; SQE128 adds 64 bytes of cmd[] data)
     *  0        1        2                 4                                 8
     *  +--------+--------+-----------------+---------------------------------+
     *  | opcode | flags  | ioprio          | fd                              |
     *  +--------+--------+-----------------+---------------------------------+
     *  | off / addr2 / {cmd_op, __pad1}                                      | 8
     *  | addr / splice_off_in / {level, optname}                             | 16
     *  | len                             | op flags union (rw_flags, ...)    | 24
     *  | user_data                                                           | 32
     *  | buf_index / buf_group | personality | splice_fd_in / file_index /   | 40
     *  |                       |             | optlen / {addr_len, __pad3}   |
     *  | addr3 / optval / cmd[] start                                        | 48
     *  | __pad2[0]                                                           | 56
     *  +---------------------------------------------------------------------+
     */
    static final StructLayout SQE = MemoryLayout.structLayout(
            JAVA_BYTE.withName("opcode"),
            JAVA_BYTE.withName("flags"),
            JAVA_SHORT.withName("ioprio"),
            JAVA_INT.withName("fd"),
            MemoryLayout.unionLayout(JAVA_LONG.withName("off"), JAVA_LONG.withName("addr2"),
                    MemoryLayout.structLayout(JAVA_INT.withName("cmd_op"), JAVA_INT.withName("__pad1")))
                    .withName("off_union"),
            MemoryLayout.unionLayout(JAVA_LONG.withName("addr"), JAVA_LONG.withName("splice_off_in"),
                    MemoryLayout.structLayout(JAVA_INT.withName("level"), JAVA_INT.withName("optname")))
                    .withName("addr_union"),
            JAVA_INT.withName("len"),
            JAVA_INT.withName("rw_flags"),
            JAVA_LONG.withName("user_data"),
            JAVA_SHORT.withName("buf_index"),
            JAVA_SHORT.withName("personality"),
            MemoryLayout.unionLayout(JAVA_INT.withName("splice_fd_in"), JAVA_INT.withName("file_index"),
                    JAVA_INT.withName("optlen"),
                    MemoryLayout.structLayout(JAVA_SHORT.withName("addr_len"), JAVA_SHORT.withName("__pad3")))
                    .withName("file_union"),
            MemoryLayout.unionLayout(JAVA_LONG.withName("addr3"), JAVA_LONG.withName("optval"))
                    .withName("addr3_union"),
            JAVA_LONG.withName("__pad2")
    ).withName("io_uring_sqe");

    static final long SQE_OPCODE = SQE.byteOffset(groupElement("opcode"));
    static final long SQE_FLAGS = SQE.byteOffset(groupElement("flags"));
    static final long SQE_IOPRIO = SQE.byteOffset(groupElement("ioprio"));
    static final long SQE_FD = SQE.byteOffset(groupElement("fd"));
    static final long SQE_OFF = SQE.byteOffset(groupElement("off_union"), groupElement("off"));
    static final long SQE_ADDR = SQE.byteOffset(groupElement("addr_union"), groupElement("addr"));
    static final long SQE_LEN = SQE.byteOffset(groupElement("len"));
    static final long SQE_OP_FLAGS = SQE.byteOffset(groupElement("rw_flags"));
    static final long SQE_USER_DATA = SQE.byteOffset(groupElement("user_data"));
    static final long SQE_BUF_INDEX = SQE.byteOffset(groupElement("buf_index"));
    static final long SQE_PERSONALITY = SQE.byteOffset(groupElement("personality"));
    static final long SQE_FILE_INDEX = SQE.byteOffset(groupElement("file_union"), groupElement("file_index"));
    static final long SQE_ADDR3 = SQE.byteOffset(groupElement("addr3_union"), groupElement("addr3"));
    static final long SQE_PAD2 = SQE.byteOffset(groupElement("__pad2"));
    /** Where {@code cmd[]} starts: 16 bytes in a 64-byte SQE, 80 in a 128-byte one. */
    static final long SQE_CMD = SQE_ADDR3;

    /* struct io_uring_cqe: user_data u64 @0, res s32 @8, flags u32 @12; CQE32 adds big_cqe[2] @16. */
    static final StructLayout CQE = MemoryLayout.structLayout(
            JAVA_LONG.withName("user_data"),
            JAVA_INT.withName("res"),
            JAVA_INT.withName("flags")
    ).withName("io_uring_cqe");
    static final long CQE_USER_DATA = CQE.byteOffset(groupElement("user_data"));
    static final long CQE_RES = CQE.byteOffset(groupElement("res"));
    static final long CQE_FLAGS = CQE.byteOffset(groupElement("flags"));

    static final StructLayout SQRING_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("flags"), JAVA_INT.withName("dropped"),
            JAVA_INT.withName("array"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("user_addr")
    ).withName("io_sqring_offsets");

    static final StructLayout CQRING_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("overflow"), JAVA_INT.withName("cqes"),
            JAVA_INT.withName("flags"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("user_addr")
    ).withName("io_cqring_offsets");

    /* struct io_uring_params (120 bytes). */
    static final StructLayout PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("sq_entries"), JAVA_INT.withName("cq_entries"), JAVA_INT.withName("flags"),
            JAVA_INT.withName("sq_thread_cpu"), JAVA_INT.withName("sq_thread_idle"),
            JAVA_INT.withName("features"), JAVA_INT.withName("wq_fd"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
            SQRING_OFFSETS.withName("sq_off"), CQRING_OFFSETS.withName("cq_off")
    ).withName("io_uring_params");

    static long params(String field) {
        return PARAMS.byteOffset(groupElement(field));
    }

    static long sqOff(String field) {
        return PARAMS.byteOffset(groupElement("sq_off"), groupElement(field));
    }

    static long cqOff(String field) {
        return PARAMS.byteOffset(groupElement("cq_off"), groupElement(field));
    }

    /* struct io_uring_getevents_arg (24 bytes). */
    static final StructLayout GETEVENTS_ARG = MemoryLayout.structLayout(
            JAVA_LONG.withName("sigmask"), JAVA_INT.withName("sigmask_sz"),
            JAVA_INT.withName("min_wait_usec"), JAVA_LONG.withName("ts")
    ).withName("io_uring_getevents_arg");

    /* struct __kernel_timespec (16 bytes). */
    static final StructLayout KERNEL_TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec")
    ).withName("__kernel_timespec");

    /* struct io_uring_probe_op (8 bytes) and struct io_uring_probe (16 + 8 * ops). */
    static final StructLayout PROBE_OP = MemoryLayout.structLayout(
            JAVA_BYTE.withName("op"), JAVA_BYTE.withName("resv"), JAVA_SHORT.withName("flags"),
            JAVA_INT.withName("resv2")
    ).withName("io_uring_probe_op");
    static final StructLayout PROBE_HEADER = MemoryLayout.structLayout(
            JAVA_BYTE.withName("last_op"), JAVA_BYTE.withName("ops_len"), JAVA_SHORT.withName("resv"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv2")
    ).withName("io_uring_probe");

    /* struct io_uring_rsrc_update (16 bytes): offset u32, resv u32, data u64. */
    static final StructLayout RSRC_UPDATE = MemoryLayout.structLayout(
            JAVA_INT.withName("offset"), JAVA_INT.withName("resv"), JAVA_LONG.withName("data")
    ).withName("io_uring_rsrc_update");
}
