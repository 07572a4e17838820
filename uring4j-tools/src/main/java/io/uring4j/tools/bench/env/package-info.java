/**
 * The machine the bench runs on, as the workloads and contenders need it: child processes
 * ({@link io.uring4j.tools.bench.env.ChildProcess}), tools found or compiled once
 * ({@link io.uring4j.tools.bench.env.Availability}, {@link io.uring4j.tools.bench.env.CPeers},
 * {@link io.uring4j.tools.bench.env.CProgram}, {@link io.uring4j.tools.bench.env.Fio}) and installed with
 * apt-get only when {@code --install-peers} asks ({@link io.uring4j.tools.bench.env.PeerPackages}), the bench files and
 * their caching ({@link io.uring4j.tools.bench.env.BenchFiles}), disks
 * ({@link io.uring4j.tools.bench.env.DiskInfo}) and async-profiler
 * ({@link io.uring4j.tools.bench.env.Profiling}).
 */
package io.uring4j.tools.bench.env;
