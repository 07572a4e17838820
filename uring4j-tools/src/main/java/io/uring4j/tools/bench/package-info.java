/**
 * {@code uring4j bench}: what is measured and how a run goes. The command
 * ({@link io.uring4j.tools.bench.BenchCommand}, whose {@code WORKLOADS} list the help and the dispatch read),
 * the run ({@link io.uring4j.tools.bench.BenchSession}, {@link io.uring4j.tools.bench.BenchRunner},
 * {@link io.uring4j.tools.bench.Progress}), the vocabulary every part shares
 * ({@link io.uring4j.tools.bench.Workload}, {@link io.uring4j.tools.bench.Contender},
 * {@link io.uring4j.tools.bench.BenchPlan}, {@link io.uring4j.tools.bench.BenchPoint},
 * {@link io.uring4j.tools.bench.Param}, {@link io.uring4j.tools.bench.Sample}) and the workloads, one class each
 * (nop, read, direct, copy, echo) with the line-up of their contenders.
 *
 * <p>The sub-packages, by role: {@code contender} (one class per kind of contender, run from here),
 * {@code report} (tables, Markdown, charts, JSON and the machine's description), {@code env} (the machine:
 * tools installed or compiled, child processes, bench files, disks, the profiler); and code that runs in
 * another process: {@code child} (the bench child JVM), {@code jmh} (the JMH benchmarks and their child),
 * {@code echo} (the JVM echo servers).
 */
package io.uring4j.tools.bench;
