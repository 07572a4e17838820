/** Safe async files and TCP on io_uring, built on {@code io.uring4j.core}. */
module io.uring4j.runtime {
    requires io.uring4j.core;
    exports io.uring4j.runtime;
}
