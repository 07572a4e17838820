package io.uring4j.tools.soak;

/**
 * Runtime bugs the soak found and that are not fixed yet, each with the regression test that
 * fails on it (disabled until the fix). A soak that hits one says so loudly, every run, and
 * counts it apart from the errors, so that the soak still catches every other break meanwhile;
 * the fix's branch enables the test and deletes the constant here, and from then on the same
 * finding is an error again.
 */
enum KnownBug {
    // None open: the soak's findings so far (a copy cut short by its deadline writing into a
    // reused fd, an interrupted open leaking its fd, an interrupted copy's late rename, a split
    // send chain, an aborted push connection whose receiver never heard, a reset peer without an
    // address) are fixed, each with its test in SoakFindingsFileTest or SoakFindingsTcpTest.
    ;

    final String test;
    final String what;

    KnownBug(String test, String what) {
        this.test = test;
        this.what = what;
    }
}
