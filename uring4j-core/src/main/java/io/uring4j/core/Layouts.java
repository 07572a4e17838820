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

    /* struct io_uring_getevents_arg (24 bytes): the EXT_ARG argument of a timed io_uring_enter. */
    static final StructLayout GETEVENTS_ARG = MemoryLayout.structLayout(
            JAVA_LONG.withName("sigmask"), JAVA_INT.withName("sigmask_sz"),
            JAVA_INT.withName("min_wait_usec"), JAVA_LONG.withName("ts")
    ).withName("io_uring_getevents_arg");
    static final long GETEVENTS_SIGMASK_SZ = GETEVENTS_ARG.byteOffset(groupElement("sigmask_sz"));
    static final long GETEVENTS_MIN_WAIT_USEC = GETEVENTS_ARG.byteOffset(groupElement("min_wait_usec"));
    static final long GETEVENTS_TS = GETEVENTS_ARG.byteOffset(groupElement("ts"));

    /* struct __kernel_timespec (16 bytes). */
    static final StructLayout KERNEL_TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec")
    ).withName("__kernel_timespec");
    static final long TIMESPEC_SEC = KERNEL_TIMESPEC.byteOffset(groupElement("tv_sec"));
    static final long TIMESPEC_NSEC = KERNEL_TIMESPEC.byteOffset(groupElement("tv_nsec"));

    /* struct io_uring_probe_op (8 bytes) and struct io_uring_probe (16 + 8 * ops). */
    static final StructLayout PROBE_OP = MemoryLayout.structLayout(
            JAVA_BYTE.withName("op"), JAVA_BYTE.withName("resv"), JAVA_SHORT.withName("flags"),
            JAVA_INT.withName("resv2")
    ).withName("io_uring_probe_op");
    static final StructLayout PROBE_HEADER = MemoryLayout.structLayout(
            JAVA_BYTE.withName("last_op"), JAVA_BYTE.withName("ops_len"), JAVA_SHORT.withName("resv"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv2")
    ).withName("io_uring_probe");
    static final long PROBE_LAST_OP = PROBE_HEADER.byteOffset(groupElement("last_op"));
    static final long PROBE_OPS_LEN = PROBE_HEADER.byteOffset(groupElement("ops_len"));
    static final long PROBE_OP_OP = PROBE_OP.byteOffset(groupElement("op"));
    static final long PROBE_OP_FLAGS = PROBE_OP.byteOffset(groupElement("flags"));

    /* struct io_uring_rsrc_update (16 bytes): offset u32, resv u32, data u64. */
    static final StructLayout RSRC_UPDATE = MemoryLayout.structLayout(
            JAVA_INT.withName("offset"), JAVA_INT.withName("resv"), JAVA_LONG.withName("data")
    ).withName("io_uring_rsrc_update");
    static final long RSRC_UPDATE_OFFSET = RSRC_UPDATE.byteOffset(groupElement("offset"));
    static final long RSRC_UPDATE_DATA = RSRC_UPDATE.byteOffset(groupElement("data"));

    /* struct iovec (16 bytes): iov_base, iov_len. */
    static final StructLayout IOVEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("iov_base"), JAVA_LONG.withName("iov_len")
    ).withName("iovec");
    static final long IOVEC_BASE = IOVEC.byteOffset(groupElement("iov_base"));
    static final long IOVEC_LEN = IOVEC.byteOffset(groupElement("iov_len"));

    /*
     * struct io_uring_rsrc_register (32 bytes), for REGISTER_FILES2 / REGISTER_BUFFERS2
     *  0      4       8       16     24     32
     *  | nr   | flags | resv2 | data | tags |
     */
    static final StructLayout RSRC_REGISTER = MemoryLayout.structLayout(
            JAVA_INT.withName("nr"), JAVA_INT.withName("flags"), JAVA_LONG.withName("resv2"),
            JAVA_LONG.withName("data"), JAVA_LONG.withName("tags")
    ).withName("io_uring_rsrc_register");
    static final long RSRC_REGISTER_NR = RSRC_REGISTER.byteOffset(groupElement("nr"));
    static final long RSRC_REGISTER_FLAGS = RSRC_REGISTER.byteOffset(groupElement("flags"));
    static final long RSRC_REGISTER_DATA = RSRC_REGISTER.byteOffset(groupElement("data"));
    /** {@code IORING_RSRC_REGISTER_SPARSE}, in its {@code flags}: a table of empty slots ({@code data} unused). */
    static final int RSRC_REGISTER_SPARSE = 1;

    /*
     * struct io_uring_rsrc_update2 (32 bytes), for REGISTER_FILES_UPDATE2 / REGISTER_BUFFERS_UPDATE
     *  0        4      8      16     24   28      32
     *  | offset | resv | data | tags | nr | resv2 |
     */
    static final StructLayout RSRC_UPDATE2 = MemoryLayout.structLayout(
            JAVA_INT.withName("offset"), JAVA_INT.withName("resv"), JAVA_LONG.withName("data"),
            JAVA_LONG.withName("tags"), JAVA_INT.withName("nr"), JAVA_INT.withName("resv2")
    ).withName("io_uring_rsrc_update2");
    static final long RSRC_UPDATE2_OFFSET = RSRC_UPDATE2.byteOffset(groupElement("offset"));
    static final long RSRC_UPDATE2_DATA = RSRC_UPDATE2.byteOffset(groupElement("data"));
    static final long RSRC_UPDATE2_NR = RSRC_UPDATE2.byteOffset(groupElement("nr"));

    /* struct io_uring_file_index_range (16 bytes): off u32, len u32, resv u64. */
    static final StructLayout FILE_INDEX_RANGE = MemoryLayout.structLayout(
            JAVA_INT.withName("off"), JAVA_INT.withName("len"), JAVA_LONG.withName("resv")
    ).withName("io_uring_file_index_range");
    static final long FILE_INDEX_RANGE_OFF = FILE_INDEX_RANGE.byteOffset(groupElement("off"));
    static final long FILE_INDEX_RANGE_LEN = FILE_INDEX_RANGE.byteOffset(groupElement("len"));

    /*
     * struct io_uring_restriction (16 bytes)
     *  0        2                                  3      4         16
     *  | opcode | register_op / sqe_op / sqe_flags | resv | resv2[3] |
     */
    static final StructLayout RESTRICTION = MemoryLayout.structLayout(
            JAVA_SHORT.withName("opcode"),
            MemoryLayout.unionLayout(JAVA_BYTE.withName("register_op"), JAVA_BYTE.withName("sqe_op"),
                    JAVA_BYTE.withName("sqe_flags")).withName("arg"),
            JAVA_BYTE.withName("resv"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv2")
    ).withName("io_uring_restriction");
    static final long RESTRICTION_OPCODE = RESTRICTION.byteOffset(groupElement("opcode"));
    static final long RESTRICTION_ARG = RESTRICTION.byteOffset(groupElement("arg"), groupElement("sqe_op"));

    /*
     * struct io_uring_sync_cancel_reg (64 bytes)
     *  0      8    12      16                          32       33      40        64
     *  | addr | fd | flags | timeout (__kernel_timespec) | opcode | pad[7] | pad2[3] |
     */
    static final StructLayout SYNC_CANCEL_REG = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"), JAVA_INT.withName("fd"), JAVA_INT.withName("flags"),
            KERNEL_TIMESPEC.withName("timeout"), JAVA_BYTE.withName("opcode"),
            MemoryLayout.sequenceLayout(7, JAVA_BYTE).withName("pad"),
            MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("pad2")
    ).withName("io_uring_sync_cancel_reg");
    static final long SYNC_CANCEL_ADDR = SYNC_CANCEL_REG.byteOffset(groupElement("addr"));
    static final long SYNC_CANCEL_FD = SYNC_CANCEL_REG.byteOffset(groupElement("fd"));
    static final long SYNC_CANCEL_FLAGS = SYNC_CANCEL_REG.byteOffset(groupElement("flags"));
    static final long SYNC_CANCEL_TIMEOUT = SYNC_CANCEL_REG.byteOffset(groupElement("timeout"));
    static final long SYNC_CANCEL_OPCODE = SYNC_CANCEL_REG.byteOffset(groupElement("opcode"));

    /* struct io_uring_clock_register (16 bytes): clockid u32, __resv[3]. */
    static final StructLayout CLOCK_REGISTER = MemoryLayout.structLayout(
            JAVA_INT.withName("clockid"), MemoryLayout.sequenceLayout(3, JAVA_INT).withName("__resv")
    ).withName("io_uring_clock_register");
    static final long CLOCK_REGISTER_CLOCKID = CLOCK_REGISTER.byteOffset(groupElement("clockid"));

    /* struct io_uring_clone_buffers (32 bytes): src_fd, flags, src_off, dst_off, nr, pad[3]. */
    static final StructLayout CLONE_BUFFERS = MemoryLayout.structLayout(
            JAVA_INT.withName("src_fd"), JAVA_INT.withName("flags"), JAVA_INT.withName("src_off"),
            JAVA_INT.withName("dst_off"), JAVA_INT.withName("nr"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("pad")
    ).withName("io_uring_clone_buffers");
    static final long CLONE_BUFFERS_SRC_FD = CLONE_BUFFERS.byteOffset(groupElement("src_fd"));
    static final long CLONE_BUFFERS_FLAGS = CLONE_BUFFERS.byteOffset(groupElement("flags"));
    static final long CLONE_BUFFERS_SRC_OFF = CLONE_BUFFERS.byteOffset(groupElement("src_off"));
    static final long CLONE_BUFFERS_DST_OFF = CLONE_BUFFERS.byteOffset(groupElement("dst_off"));
    static final long CLONE_BUFFERS_NR = CLONE_BUFFERS.byteOffset(groupElement("nr"));

    /*
     * struct io_uring_buf (16 bytes), one descriptor of a provided-buffer ring; the ring's u16
     * tail overlays the resv field of descriptor 0 (struct io_uring_buf_ring).
     *  0      8     12    14
     *  | addr | len | bid | resv / tail |
     */
    static final StructLayout BUF = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"), JAVA_INT.withName("len"), JAVA_SHORT.withName("bid"),
            JAVA_SHORT.withName("resv")
    ).withName("io_uring_buf");
    static final long BUF_ADDR = BUF.byteOffset(groupElement("addr"));
    static final long BUF_LEN = BUF.byteOffset(groupElement("len"));
    static final long BUF_BID = BUF.byteOffset(groupElement("bid"));
    /** Where {@code io_uring_buf_ring.tail} lives: the {@code resv} of descriptor 0. */
    static final long BUF_RING_TAIL = BUF.byteOffset(groupElement("resv"));

    /* struct io_uring_buf_reg (40 bytes): the argument of (UN)REGISTER_PBUF_RING. */
    static final StructLayout BUF_REG = MemoryLayout.structLayout(
            JAVA_LONG.withName("ring_addr"), JAVA_INT.withName("ring_entries"), JAVA_SHORT.withName("bgid"),
            JAVA_SHORT.withName("flags"), JAVA_INT.withName("min_left"),
            MemoryLayout.sequenceLayout(5, JAVA_INT).withName("resv")
    ).withName("io_uring_buf_reg");
    static final long BUF_REG_RING_ADDR = BUF_REG.byteOffset(groupElement("ring_addr"));
    static final long BUF_REG_RING_ENTRIES = BUF_REG.byteOffset(groupElement("ring_entries"));
    static final long BUF_REG_BGID = BUF_REG.byteOffset(groupElement("bgid"));
    static final long BUF_REG_FLAGS = BUF_REG.byteOffset(groupElement("flags"));

    /* struct io_uring_buf_status (40 bytes): the argument of REGISTER_PBUF_STATUS. */
    static final StructLayout BUF_STATUS = MemoryLayout.structLayout(
            JAVA_INT.withName("buf_group"), JAVA_INT.withName("head"),
            MemoryLayout.sequenceLayout(8, JAVA_INT).withName("resv")
    ).withName("io_uring_buf_status");
    static final long BUF_STATUS_BUF_GROUP = BUF_STATUS.byteOffset(groupElement("buf_group"));
    static final long BUF_STATUS_HEAD = BUF_STATUS.byteOffset(groupElement("head"));

    /*
     * struct io_uring_recvmsg_out (16 bytes): the header multishot recvmsg writes at the start of
     * each provided buffer, before the name, control data and payload.
     */
    static final StructLayout RECVMSG_OUT = MemoryLayout.structLayout(
            JAVA_INT.withName("namelen"), JAVA_INT.withName("controllen"), JAVA_INT.withName("payloadlen"),
            JAVA_INT.withName("flags")
    ).withName("io_uring_recvmsg_out");
    static final long RECVMSG_OUT_NAMELEN = RECVMSG_OUT.byteOffset(groupElement("namelen"));
    static final long RECVMSG_OUT_CONTROLLEN = RECVMSG_OUT.byteOffset(groupElement("controllen"));
    static final long RECVMSG_OUT_PAYLOADLEN = RECVMSG_OUT.byteOffset(groupElement("payloadlen"));
    static final long RECVMSG_OUT_FLAGS = RECVMSG_OUT.byteOffset(groupElement("flags"));
}
