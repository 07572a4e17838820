package io.uring4j.tools.soak;

/**
 * Runtime bugs the soak found and that are not fixed yet, each with the regression test that
 * fails on it (disabled until the fix). A soak that hits one says so loudly, every run, and
 * counts it apart from the errors, so that the soak still catches every other break meanwhile;
 * the fix's branch enables the test and deletes the constant here, and from then on the same
 * finding is an error again.
 */
enum KnownBug {
    COPY_REPLACED_THOUGH_INTERRUPTED("SoakFindingsCopyTest.anInterruptedCopyThatThrowsLeavesTheTargetAsItWas",
            "AsyncFile.copy interrupted while its RENAMEAT is in the kernel throws InterruptedIOException, yet the target"
                    + " was replaced by the complete copy (FileCopy.publish waits with the interruptible Errors.await)"),
    RECEIVER_NOT_TOLD_OF_ABORT("SoakFindingsTcpTest.aReceiverHearsTheEndOfAConnectionTheRuntimeAbortedAfterAFailedSend",
            "a push-mode connection that the runtime aborted itself (a send without handler failed: the peer had reset)"
                    + " never gets TcpReceiver.onEnd, so the application never learns that it ended (TcpReceive.pushHeld"
                    + " delivers the end only while the connection is not closed)"),
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
