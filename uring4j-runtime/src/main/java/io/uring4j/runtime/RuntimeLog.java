package io.uring4j.runtime;

/**
 * Where the runtime reports a failure it cannot hand to any caller: a user's completion handler,
 * receiver or loop task that threw, a close of an abandoned object that failed. The logger is
 * {@code io.uring4j.runtime} through {@link System.Logger}, so it goes wherever the application
 * sends the JDK's logging (java.util.logging by default, or the backend it installed), with the
 * stack. The loop goes on after each.
 */
final class RuntimeLog {
    static final String NAME = "io.uring4j.runtime";
    private static final System.Logger LOG = System.getLogger(NAME);

    private RuntimeLog() {
    }

    /** Logs {@code what} at WARNING: the runtime found and repaired a state it should never be in. */
    static void repaired(String what) {
        LOG.log(System.Logger.Level.WARNING, what);
    }

    /** Logs {@code failure} at ERROR as {@code what}, with its stack. */
    static void failed(String what, Throwable failure) {
        LOG.log(System.Logger.Level.ERROR, what, failure);
    }
}
