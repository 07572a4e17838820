package io.uring4j.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Struct sizes and offsets as the kernel's {@code include/uapi/linux/io_uring.h} defines them. */
class LayoutsTest {
    @Test
    void kernelStructSizes() {
        assertEquals(64, Layouts.SQE.byteSize());
        assertEquals(16, Layouts.CQE.byteSize());
        assertEquals(120, Layouts.PARAMS.byteSize());
        assertEquals(40, Layouts.SQRING_OFFSETS.byteSize());
        assertEquals(40, Layouts.CQRING_OFFSETS.byteSize());
        assertEquals(24, Layouts.GETEVENTS_ARG.byteSize());
        assertEquals(16, Layouts.KERNEL_TIMESPEC.byteSize());
        assertEquals(16, Layouts.PROBE_HEADER.byteSize());
        assertEquals(8, Layouts.PROBE_OP.byteSize());
        assertEquals(16, Layouts.RSRC_UPDATE.byteSize());
        assertEquals(16, Layouts.BUF.byteSize());
        assertEquals(40, Layouts.BUF_REG.byteSize());
        assertEquals(40, Layouts.BUF_STATUS.byteSize());
        assertEquals(16, Layouts.RECVMSG_OUT.byteSize());
        assertEquals(16, Layouts.IOVEC.byteSize());
    }

    @Test
    void fieldOffsetsOfTheSmallerStructs() {
        assertEquals(8, Layouts.GETEVENTS_SIGMASK_SZ);
        assertEquals(12, Layouts.GETEVENTS_MIN_WAIT_USEC);
        assertEquals(16, Layouts.GETEVENTS_TS);
        assertEquals(0, Layouts.RSRC_UPDATE_OFFSET);
        assertEquals(8, Layouts.RSRC_UPDATE_DATA);
        assertEquals(8, Layouts.TIMESPEC_NSEC);
        assertEquals(1, Layouts.PROBE_OPS_LEN);
        assertEquals(2, Layouts.PROBE_OP_FLAGS);
        assertEquals(14, Layouts.BUF_RING_TAIL, "the buffer ring's tail overlays descriptor 0's resv");
        assertEquals(12, Layouts.BUF_BID);
        assertEquals(14, Layouts.BUF_REG_FLAGS);
        assertEquals(4, Layouts.BUF_STATUS_HEAD);
        assertEquals(12, Layouts.RECVMSG_OUT_FLAGS);
    }

    @Test
    void sqeFieldOffsets() {
        assertEquals(0, Layouts.SQE_OPCODE);
        assertEquals(1, Layouts.SQE_FLAGS);
        assertEquals(2, Layouts.SQE_IOPRIO);
        assertEquals(4, Layouts.SQE_FD);
        assertEquals(8, Layouts.SQE_OFF);
        assertEquals(16, Layouts.SQE_ADDR);
        assertEquals(24, Layouts.SQE_LEN);
        assertEquals(28, Layouts.SQE_OP_FLAGS);
        assertEquals(32, Layouts.SQE_USER_DATA);
        assertEquals(40, Layouts.SQE_BUF_INDEX);
        assertEquals(42, Layouts.SQE_PERSONALITY);
        assertEquals(44, Layouts.SQE_FILE_INDEX);
        assertEquals(48, Layouts.SQE_ADDR3);
        assertEquals(56, Layouts.SQE_PAD2);
        assertEquals(40, Layouts.params("sq_off"));
        assertEquals(80, Layouts.params("cq_off"));
        assertEquals(72, Layouts.sqOff("user_addr"));
        assertEquals(112, Layouts.cqOff("user_addr"));
    }
}
