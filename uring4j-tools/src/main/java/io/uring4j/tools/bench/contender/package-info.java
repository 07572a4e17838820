/**
 * The contenders, one class per kind, each measuring one point once when the runner asks: C programs
 * ({@link io.uring4j.tools.bench.contender.CProgramContender}), fio
 * ({@link io.uring4j.tools.bench.contender.FioContender}), JMH benchmarks
 * ({@link io.uring4j.tools.bench.contender.JmhContender}), the Java read and copy modes of a bench child JVM
 * ({@link io.uring4j.tools.bench.contender.JvmReadContender},
 * {@link io.uring4j.tools.bench.contender.JvmCopyContender}), GNU cp
 * ({@link io.uring4j.tools.bench.contender.GnuCpContender}) and echo servers
 * ({@link io.uring4j.tools.bench.contender.EchoServerContender}); with what they share: the handle of a child
 * JVM ({@link io.uring4j.tools.bench.contender.JvmChild}), the echo load client and the copy job. This code
 * runs in the harness; what it starts lives in {@code child}, {@code jmh}, {@code echo} and {@code src/main/c}.
 */
package io.uring4j.tools.bench.contender;
