/**
 * Code that runs in another process: the JMH benchmarks and the child JVM
 * ({@link io.uring4j.tools.bench.jmh.JmhChild}) that runs one of them for one repetition of a point and prints
 * its result line. The harness names these classes on a child's command line and parses
 * {@link io.uring4j.tools.bench.jmh.JmhChild.Outcome}; the benchmarks also run under JMH directly.
 */
package io.uring4j.tools.bench.jmh;
