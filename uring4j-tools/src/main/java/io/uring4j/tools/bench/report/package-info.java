/**
 * What a run reports, from the results the runner collected: per contender and point the samples and their
 * statistics ({@link io.uring4j.tools.bench.report.ContenderResult}, {@link io.uring4j.tools.bench.report.Stats}),
 * per workload the console table, the Markdown report and the JSON entries
 * ({@link io.uring4j.tools.bench.report.BenchReport}) and the PNG chart
 * ({@link io.uring4j.tools.bench.report.BenchChart}), and the machine the figures depend on
 * ({@link io.uring4j.tools.bench.report.MachineInfo}). Nothing here measures.
 */
package io.uring4j.tools.bench.report;
