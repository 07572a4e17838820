package io.uring4j.tools.soak;

/**
 * Runtime bugs the soak found and that are not fixed yet, each with the regression test that
 * fails on it (disabled until the fix). A soak that hits one says so loudly, every run, and
 * counts it apart from the errors, so that the soak still catches every other break meanwhile;
 * the fix's branch enables the test and deletes the constant here, and from then on the same
 * finding is an error again.
 */
enum KnownBug {
    COPY_REPLACED_THOUGH_INTERRUPTED("SoakFindingsFileTest.anInterruptedCopyThatThrowsLeavesTheTargetAsItWas",
            "AsyncFile.copy interrupted while its RENAMEAT is in the kernel throws InterruptedIOException, yet the target"
                    + " was replaced by the complete copy (FileCopy.publish waits with the interruptible Errors.await)"),
    RECEIVER_NOT_TOLD_OF_ABORT("SoakFindingsTcpTest.aReceiverHearsTheEndOfAConnectionTheRuntimeAbortedAfterAFailedSend",
            "a push-mode connection that the runtime aborted itself (a send without handler failed: the peer had reset)"
                    + " never gets TcpReceiver.onEnd, so the application never learns that it ended (TcpReceive.pushHeld"
                    + " delivers the end only while the connection is not closed)"),
    SEND_CHAIN_SPLIT("SoakFindingsTcpTest.writesStayInOrderWhenTheirChainIsLongerThanTheSubmissionQueue",
            "a connection's echo came back whole but out of order: EventLoop.sqe() submits what is prepared when the SQ is"
                    + " full, which cuts an IOSQE_IO_LINK send chain in two; the kernel runs each part as a chain of its own,"
                    + " and the two interleave (the soak counts a mismatch as this bug only if every byte came back exactly"
                    + " once; a loss, a repeat or a foreign byte stays an error)"),
    INTERRUPTED_OPEN_LEAKS_FD("SoakFindingsFileTest.anInterruptedOpenLeavesNoFdOpen",
            "an open interrupted just as its OPENAT completes throws InterruptedIOException and leaves the opened fd to nobody"
                    + " (Errors.await cancels the future too late: cancel returns false, the AsyncFile is never closed); the"
                    + " soak's copies interrupted while opening their source leave such fds, found after the drain"),
    NO_PEER_ADDRESS("SoakFindingsTcpTest.anAcceptedConnectionWhosePeerResetKnowsItsAddress",
            "TcpServer.accept returns a connection whose remoteAddress() is null when the peer reset before the loop"
                    + " handled the accept (TcpServer.handOver asks getpeername, which fails with ENOTCONN)");

    final String test;
    final String what;

    KnownBug(String test, String what) {
        this.test = test;
        this.what = what;
    }
}
