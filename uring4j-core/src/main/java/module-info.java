/**
 * io_uring for Java: a port of liburing on the Foreign Function and Memory API.
 *
 * <p>The module calls native code (the io_uring system calls and mmap). Grant it with
 * {@code --enable-native-access=io.uring4j.core} on the module path, or
 * {@code --enable-native-access=ALL-UNNAMED} on the class path; an executable jar may carry
 * {@code Enable-Native-Access: ALL-UNNAMED} in its manifest instead.
 */
module io.uring4j.core {
    exports io.uring4j.core;
    // Plain syscalls (eventfd, sockets) for the runtime's wakeups and fallbacks; not public API.
    exports io.uring4j.core.internal to io.uring4j.runtime;
}
