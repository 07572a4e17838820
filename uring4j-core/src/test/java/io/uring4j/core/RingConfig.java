package io.uring4j.core;

/**
 * The ring shapes every conformance test runs over (liburing's test matrix): plain, SQE128,
 * CQE32, both, without the SQ array, SINGLE_ISSUER|DEFER_TASKRUN, COOP_TASKRUN|TASKRUN_FLAG,
 * and caller-owned memory.
 */
enum RingConfig {
    DEFAULT,
    SQE128(SetupFlag.SQE128),
    CQE32(SetupFlag.CQE32),
    SQE128_CQE32(SetupFlag.SQE128, SetupFlag.CQE32),
    WITH_SQ_ARRAY {
        @Override
        IoUring open(int entries) {
            return IoUring.open(entries, IoUringParams.create().tryNoSqArray(false));
        }
    },
    SINGLE_ISSUER_DEFER_TASKRUN(SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN),
    COOP_TASKRUN(SetupFlag.COOP_TASKRUN, SetupFlag.TASKRUN_FLAG),
    NO_MMAP(SetupFlag.NO_MMAP);

    private final SetupFlag[] flags;

    RingConfig(SetupFlag... flags) {
        this.flags = flags;
    }

    IoUring open(int entries) {
        return IoUring.open(entries, IoUringParams.create().flags(flags));
    }
}
