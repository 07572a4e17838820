package io.uring4j.runtime;

/**
 * Runtime bugs {@link RuntimeModelTest} found and tolerates until they are fixed: each is counted
 * (and shown with a first example at the end of the test's output) instead of failing the run,
 * unless {@code -During4j.model.strict=true}. Each has a deterministic test in
 * {@link RuntimeModelRegressionTest}, named here; when a fix makes that test pass, remove the
 * constant and the model is strict about it again.
 */
final class ModelKnownIssues {
    private ModelKnownIssues() {}

    /** {@link RuntimeModelRegressionTest#aResetFirstSeenByASendStillFailsTheReads}. */
    static final String RESET_AS_END = "a reset first reported to a connection's send makes its reads end with -1 (a clean"
            + " end of stream) instead of failing, so a stream the peer aborted reads as whole (the JDK's Socket does the same)";

    /**
     * {@link RuntimeModelRegressionTest#aWriteMadeOnTheLoopComesAfterAWriteAnotherThreadMadeBefore} and the
     * shutdown and close forms beside it.
     */
    static final String LOOP_OVERTAKES = "a write made on the loop thread runs at once, ahead of writes other threads made"
            + " before it (still in the loop's task queue), and of the cut a give-up made before it";

    /** {@link RuntimeModelRegressionTest#aReadMadeOnTheGiveUpOfThePreviousOneGetsItsPlace}. */
    static final String READ_PLACE_LATE = "a read given up from another thread (orTimeout, a cancel) hands its place back"
            + " after its future completed, so the next read, made on that completion, can fail with 'a read is already pending'";

    /** {@link RuntimeModelRegressionTest#aRequestRacingItsFilesCloseNeverRunsOnTheClosedFd}. */
    static final String FILE_CLOSE_RACE = "file request racing its file's close runs on the closed fd (EBADF; a reused fd"
            + " number would be another file), not ClosedChannelException";

    /** {@link RuntimeModelRegressionTest#aFileRequestMadeWhileItsGroupClosesFailsAsClosed}. */
    static final String FILE_LOOP_CLOSED = "file request made while its group closes fails with IllegalStateException"
            + " ('event loop N is closed'), not ClosedChannelException";

    /** {@link RuntimeModelRegressionTest#aFileRequestCutShortByItsGroupsCloseFailsAsClosed}. */
    static final String FILE_GROUP_CANCEL = "file request in flight when its group closes fails with CancellationException"
            + " or InterruptedByTimeoutException, not AsynchronousCloseException";

    /** {@link RuntimeModelRegressionTest#aShutdownInputCutShortByItsGroupsCloseFailsAsClosed}. */
    static final String SHUTDOWN_INPUT_CANCEL = "shutdownInput() cut short by its group's close throws CancellationException,"
            + " not a closed-channel exception";

    /** {@link RuntimeModelRegressionTest#closingWhatAClosedGroupLeftIsQuiet}. */
    static final String SERVER_CLOSE_AFTER_GROUP = "a TcpServer's close on a closed group throws IllegalStateException";

    /** {@link RuntimeModelRegressionTest#anAcceptThatTimedOutLeavesTheNextConnectionToTheNextAccept}. */
    static final String ACCEPT_SWALLOWS = "an accept(Duration) that timed out leaves its waiter queued, and the next"
            + " connection goes to it: nobody gets that connection (its fd stays open until the group closes)";

    /** {@link RuntimeModelRegressionTest#aShutdownOutputCutByAGivenUpWriteDoesNotLaterClaimSuccess}. */
    static final String SHUTDOWN_AFTER_CUT = "after a shutdownOutput was cut by a given-up write, the output stays marked shut:"
            + " later shutdownOutput() calls return normally though no FIN was sent (the peer never gets its end)";

    /** {@link RuntimeModelRegressionTest#anAcceptMadeWhileItsGroupClosesFailsAsClosed}. */
    static final String ACCEPT_LOOP_CLOSED = "an accept made while its group closes fails with IllegalStateException ('event"
            + " loop N is closed'; accept(Duration): an IOException wrapping it), not ClosedChannelException";
}
