/**
 * Code that runs in another process: the bench child JVM ({@link io.uring4j.tools.bench.child.BenchChild}) that
 * {@code uring4j bench} keeps for each Java contender of the read, direct and copy workloads. It reads one task
 * per line on stdin and answers one JSON line on stdout; nothing here is called from the harness's own JVM.
 */
package io.uring4j.tools.bench.child;
