/**
 * io_uring for Java: a port of liburing on the Foreign Function and Memory API, one class or
 * interface per part of the kernel interface.
 *
 * <ul>
 * <li><b>The ring.</b> {@link io.uring4j.core.IoUring} sets up a ring (with
 *     {@link io.uring4j.core.IoUringParams} and {@link io.uring4j.core.SetupFlag}s), hands out
 *     submission entries, submits, waits and reaps. {@link io.uring4j.core.Sqe} and
 *     {@link io.uring4j.core.Cqe} are views of one entry in the ring's shared memory, reused per
 *     slot, so the hot path allocates nothing.</li>
 * <li><b>Requests.</b> The prep helpers that fill an {@code Sqe} are grouped by family in sealed
 *     interfaces that {@code Sqe} alone implements: {@link io.uring4j.core.FileOps},
 *     {@link io.uring4j.core.SyncOps}, {@link io.uring4j.core.FsOps},
 *     {@link io.uring4j.core.XattrOps}, {@link io.uring4j.core.NetOps},
 *     {@link io.uring4j.core.SendRecvOps}, {@link io.uring4j.core.PollOps},
 *     {@link io.uring4j.core.TimeoutOps}, {@link io.uring4j.core.CancelOps},
 *     {@link io.uring4j.core.BufferOps}, {@link io.uring4j.core.MsgRingOps},
 *     {@link io.uring4j.core.CmdOps} and {@link io.uring4j.core.MiscOps}. Each names its liburing
 *     equivalent and first kernel, and is marked with {@link io.uring4j.core.Prep}.
 *     {@link io.uring4j.core.UncheckedSqe} writes raw fields for what no helper covers.</li>
 * <li><b>Kernel structs.</b> Allocation and field access for what requests point at:
 *     {@link io.uring4j.core.Iovecs}, {@link io.uring4j.core.Msghdr},
 *     {@link io.uring4j.core.SocketAddresses}, {@link io.uring4j.core.KernelTimespec},
 *     {@link io.uring4j.core.OpenHow}, {@link io.uring4j.core.Statx},
 *     {@link io.uring4j.core.EpollEvent}, {@link io.uring4j.core.FutexWaitv},
 *     {@link io.uring4j.core.Siginfo} and {@link io.uring4j.core.RecvmsgOut}.</li>
 * <li><b>Registration.</b> {@link io.uring4j.core.Registration} holds the
 *     {@code io_uring_register(2)} calls (buffers, files, eventfd, personalities, io-wq,
 *     {@link io.uring4j.core.Restriction}s, synchronous cancel, clock, resize);
 *     {@link io.uring4j.core.BufferRing} is a provided-buffer ring; {@link io.uring4j.core.Probe}
 *     says which {@link io.uring4j.core.Opcode}s the kernel supports.</li>
 * <li><b>Flags and constants.</b> The {@link io.uring4j.core.BitFlag} enums
 *     ({@link io.uring4j.core.SetupFlag}, {@link io.uring4j.core.Feature},
 *     {@link io.uring4j.core.SqeFlag}, {@link io.uring4j.core.CqeFlag},
 *     {@link io.uring4j.core.EnterFlag}), {@link io.uring4j.core.CancelFlags},
 *     {@link io.uring4j.core.SocketConstants} and {@link io.uring4j.core.Errno}.</li>
 * </ul>
 *
 * <p><b>Conventions.</b> A helper checks every segment it is given before the kernel sees it
 * (native, large enough, writable where the kernel writes, arena still open) and throws
 * {@link java.lang.IllegalArgumentException} or {@link java.lang.IllegalStateException}; the
 * kernel's own refusals of system calls are {@link io.uring4j.core.IoUringException}s naming the
 * call and errno, and a request's failure is a negative {@link io.uring4j.core.Cqe#res()}. A
 * helper records only addresses: each segment must stay alive as its documentation says (until
 * the request's completion, or for inputs the kernel copies, until the submitting enter returns
 * when the ring has {@link io.uring4j.core.Feature#SUBMIT_STABLE} and no SQPOLL). A ring is not
 * thread-safe; the multi-threaded layer is the uring4j-runtime module.
 */
package io.uring4j.core;
