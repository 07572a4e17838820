package io.uring4j.core;

import java.lang.foreign.MemorySegment;

/**
 * Prep helpers for readiness: poll (one-shot, multishot, remove, update) and epoll through the
 * ring. Implemented only by {@link Sqe}.
 *
 * <p>Poll masks are written as the 32-bit {@code poll32_events}; liburing swaps its halves on
 * big-endian CPUs, which uring4j does not run on.
 */
public sealed interface PollOps permits Sqe {

    /* poll(2) event bits (also the low EPOLL* bits). */
    /** {@code POLLIN}: there is data to read (or a connection to accept). */
    int POLLIN = 0x001;
    /** {@code POLLPRI}: an exceptional condition, e.g. TCP urgent data. */
    int POLLPRI = 0x002;
    /** {@code POLLOUT}: writing would not block. */
    int POLLOUT = 0x004;
    /** {@code POLLERR}: an error condition; always reported, whether asked for or not. */
    int POLLERR = 0x008;
    /** {@code POLLHUP}: hang-up (the peer closed, or the pipe's other end is gone); always reported. */
    int POLLHUP = 0x010;
    /** {@code POLLNVAL}: the fd is not open; always reported. */
    int POLLNVAL = 0x020;
    /** {@code POLLRDHUP}: a stream socket's peer shut down its writing half. */
    int POLLRDHUP = 0x2000;

    /* IORING_POLL_* flags (sqe->len of POLL_ADD and POLL_REMOVE). */
    /** Multishot poll: a CQE (with {@link CqeFlag#MORE}) for every readiness event. */
    int POLL_ADD_MULTI = 1 << 0;
    /** Update: replace the events being waited for. */
    int POLL_UPDATE_EVENTS = 1 << 1;
    /** Update: replace the request's user_data. */
    int POLL_UPDATE_USER_DATA = 1 << 2;
    /** Level-triggered poll. */
    int POLL_ADD_LEVEL = 1 << 3;

    /* epoll_ctl(2) operations and event flags beyond the poll bits. */
    /** {@code EPOLL_CTL_ADD}: add an fd to the epoll set. */
    int EPOLL_CTL_ADD = 1;
    /** {@code EPOLL_CTL_DEL}: remove an fd from the epoll set (the event may be NULL). */
    int EPOLL_CTL_DEL = 2;
    /** {@code EPOLL_CTL_MOD}: change the events of an fd already in the set. */
    int EPOLL_CTL_MOD = 3;
    /** {@code EPOLLEXCLUSIVE}: of several epoll sets waiting on the fd, wake only one (ADD only). */
    int EPOLLEXCLUSIVE = 1 << 28;
    /** {@code EPOLLONESHOT}: report the fd once, then disable it until re-armed with MOD. */
    int EPOLLONESHOT = 1 << 30;
    /** {@code EPOLLET}: edge-triggered: report a change of readiness, not the state. */
    int EPOLLET = 1 << 31;

    /* ---- kernel 5.1 ---- */

    /**
     * Equivalent to {@code io_uring_prep_poll_add(3)}; kernel 5.1. Completes once {@code fd} is
     * ready for any of {@code pollMask}; {@code cqe.res} is the ready mask. No user memory is
     * involved.
     *
     * @param fd       the file descriptor to watch
     * @param pollMask the {@code POLL*} events to wait for ({@link #POLLIN}, {@link #POLLOUT}, …)
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.POLL_ADD, liburing = "io_uring_prep_poll_add")
    default Sqe prepPollAdd(int fd, int pollMask) {
        return sqe().prepRw(Opcode.POLL_ADD, fd, 0, 0, 0).opFlags(pollMask);
    }

    /**
     * Equivalent to {@code io_uring_prep_poll_remove(3)}; kernel 5.1. Cancels the poll request
     * submitted with {@code userData} (which then completes with -ECANCELED). This request's
     * {@code res} is 0, or {@code -ENOENT} if no poll matched.
     *
     * @param userData the {@code user_data} of the poll request to remove
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.POLL_REMOVE, liburing = "io_uring_prep_poll_remove")
    default Sqe prepPollRemove(long userData) {
        return sqe().prepRw(Opcode.POLL_REMOVE, -1, 0, 0, 0).addr(userData);
    }

    /* ---- kernel 5.6 ---- */

    /**
     * Equivalent to {@code io_uring_prep_epoll_ctl(3)}; kernel 5.6. Applies epoll_ctl(2)
     * {@code op} for {@code fd} on the epoll instance {@code epfd} with the {@link EpollEvent}
     * {@code ev} ({@link MemorySegment#NULL} for {@link #EPOLL_CTL_DEL}). The kernel reads
     * {@code ev} when the request runs: keep it alive until completion. The CQE's {@code res} is
     * 0, or {@code -errno}.
     *
     * @param epfd the epoll instance
     * @param fd   the fd to add, modify or remove
     * @param op   {@link #EPOLL_CTL_ADD}, {@link #EPOLL_CTL_MOD} or {@link #EPOLL_CTL_DEL}
     * @param ev   the {@code struct epoll_event} (at least {@link EpollEvent#BYTES}), or
     *             {@link MemorySegment#NULL} with {@link #EPOLL_CTL_DEL}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code ev} is needed and is not a native segment or is
     *                                  smaller than {@link EpollEvent#BYTES}
     * @throws IllegalStateException    if the arena of {@code ev} is already closed
     */
    @Prep(value = Opcode.EPOLL_CTL, liburing = "io_uring_prep_epoll_ctl")
    default Sqe prepEpollCtl(int epfd, int fd, int op, MemorySegment ev) {
        long addr = op == EPOLL_CTL_DEL && ev.isNative() && ev.address() == 0
                ? 0 : Sqe.struct(ev, EpollEvent.BYTES, "prepEpollCtl epoll_event");
        return sqe().prepRw(Opcode.EPOLL_CTL, epfd, addr, op, Integer.toUnsignedLong(fd));
    }

    /* ---- kernel 5.13 ---- */

    /**
     * Equivalent to {@code io_uring_prep_poll_multishot(3)}; kernel 5.13. {@link #prepPollAdd}
     * that stays armed, posting a CQE with {@link CqeFlag#MORE} for every event until removed
     * or failed. No user memory is involved.
     *
     * @param fd       the file descriptor to watch
     * @param pollMask the {@code POLL*} events to wait for
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.POLL_ADD, liburing = "io_uring_prep_poll_multishot")
    default Sqe prepPollMultishot(int fd, int pollMask) {
        return prepPollAdd(fd, pollMask).len(POLL_ADD_MULTI); // IORING_POLL_* flags travel in len
    }

    /**
     * Equivalent to {@code io_uring_prep_poll_update(3)}; kernel 5.13. Changes the poll request
     * submitted with {@code oldUserData}: its events ({@link #POLL_UPDATE_EVENTS}) and/or its
     * user_data ({@link #POLL_UPDATE_USER_DATA}), or makes it multishot ({@link #POLL_ADD_MULTI}).
     * This request's {@code res} is 0, or {@code -ENOENT} if no poll matched. No user memory is
     * involved.
     *
     * @param oldUserData the {@code user_data} of the poll request to change
     * @param newUserData its new {@code user_data}, used with {@link #POLL_UPDATE_USER_DATA}
     * @param pollMask    its new events, used with {@link #POLL_UPDATE_EVENTS}
     * @param flags       {@code IORING_POLL_*} update flags
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.POLL_REMOVE, liburing = "io_uring_prep_poll_update")
    default Sqe prepPollUpdate(long oldUserData, long newUserData, int pollMask, int flags) {
        return sqe().prepRw(Opcode.POLL_REMOVE, -1, oldUserData, flags, newUserData).opFlags(pollMask);
    }

    /* ---- kernel 6.15 ---- */

    /**
     * Equivalent to {@code io_uring_prep_epoll_wait(3)}; kernel 6.15. Waits for events on the
     * epoll instance {@code fd} and stores up to {@code maxEvents} in {@code events} (an
     * {@link EpollEvent} array, alive until completion); {@code cqe.res} is the count.
     * {@code flags} must be 0.
     *
     * @param fd        the epoll instance
     * @param events    receives the events (writable, at least {@code maxEvents} entries)
     * @param maxEvents the most events to return ({@code >= 0})
     * @param flags     reserved: 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code maxEvents} is negative, or {@code events} is not a
     *                                  native segment, is read-only or is too small
     * @throws IllegalStateException    if the arena of {@code events} is already closed
     */
    @Prep(value = Opcode.EPOLL_WAIT, liburing = "io_uring_prep_epoll_wait")
    default Sqe prepEpollWait(int fd, MemorySegment events, int maxEvents, int flags) {
        if (maxEvents < 0) {
            throw new IllegalArgumentException("prepEpollWait maxEvents must be >= 0, given " + maxEvents);
        }
        long addr = Sqe.writableStruct(events, maxEvents * EpollEvent.BYTES, "prepEpollWait events");
        return sqe().prepRw(Opcode.EPOLL_WAIT, fd, addr, maxEvents, 0).opFlags(flags);
    }

    /** This entry as what it is: the interface is sealed to {@link Sqe}, its only implementation. */
    private Sqe sqe() {
        return (Sqe) this;
    }
}
