package io.uring4j.runtime;

import io.uring4j.core.IoUring;
import io.uring4j.core.IoUringParams;
import io.uring4j.core.SetupFlag;

/** How an {@link EventLoop}'s ring is set up, and why a loop could not start. */
final class LoopRing {
    private LoopRing() {}

    /**
     * A ring of {@code entries} SQ entries (CQ four times that, at least 4096; CLAMP caps it at
     * the kernel's maximum for rings over 16384 entries) with SINGLE_ISSUER|DEFER_TASKRUN, or
     * COOP_TASKRUN|TASKRUN_FLAG where the kernel lacks them.
     */
    static IoUring open(int entries) {
        IoUringParams params = IoUringParams.create().cqEntries(Math.max(entries * 4, 4096))
                .flags(SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN, SetupFlag.CLAMP);
        try {
            return IoUring.open(entries, params);
        } catch (RuntimeException e) {
            return IoUring.open(entries, IoUringParams.create().cqEntries(Math.max(entries * 4, 4096))
                    .flags(SetupFlag.COOP_TASKRUN, SetupFlag.TASKRUN_FLAG, SetupFlag.CLAMP));
        }
    }

    /**
     * Why the loop could not start: io_uring's own unavailability cause when it is unavailable
     * (no native access, seccomp, sysctl, memlock: core names the failing call and the fix),
     * else the failure's message (an initializer error has none, hence its description).
     */
    static String startFailureReason(Throwable failure) {
        if (!IoUring.isAvailable()) {
            return IoUring.unavailabilityCause().getMessage();
        }
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
    }
}
