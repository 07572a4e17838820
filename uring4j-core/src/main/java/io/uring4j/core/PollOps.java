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
    int POLLIN = 0x001;
    int POLLPRI = 0x002;
    int POLLOUT = 0x004;
    int POLLERR = 0x008;
    int POLLHUP = 0x010;
    int POLLNVAL = 0x020;
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
    int EPOLL_CTL_ADD = 1;
    int EPOLL_CTL_DEL = 2;
    int EPOLL_CTL_MOD = 3;
    int EPOLLEXCLUSIVE = 1 << 28;
    int EPOLLONESHOT = 1 << 30;
    int EPOLLET = 1 << 31;

    /* ---- kernel 5.1 ---- */

    /**
     * Equivalent to {@code io_uring_prep_poll_add(3)}; kernel 5.1. Completes once {@code fd} is
     * ready for any of {@code pollMask}; {@code cqe.res} is the ready mask.
     */
    @Prep(value = Opcode.POLL_ADD, liburing = "io_uring_prep_poll_add")
    default Sqe prepPollAdd(int fd, int pollMask) {
        return sqe().prepRw(Opcode.POLL_ADD, fd, 0, 0, 0).opFlags(pollMask);
    }

    /**
     * Equivalent to {@code io_uring_prep_poll_remove(3)}; kernel 5.1. Cancels the poll request
     * submitted with {@code userData} (which then completes with -ECANCELED).
     */
    @Prep(value = Opcode.POLL_REMOVE, liburing = "io_uring_prep_poll_remove")
    default Sqe prepPollRemove(long userData) {
        return sqe().prepRw(Opcode.POLL_REMOVE, -1, 0, 0, 0).addr(userData);
    }

    /* ---- kernel 5.6 ---- */

    /**
     * Equivalent to {@code io_uring_prep_epoll_ctl(3)}; kernel 5.6. Applies epoll_ctl(2)
     * {@code op} for {@code fd} on the epoll instance {@code epfd} with the {@link EpollEvent}
     * {@code ev} ({@link MemorySegment#NULL} for {@link #EPOLL_CTL_DEL}).
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
     * or failed.
     */
    @Prep(value = Opcode.POLL_ADD, liburing = "io_uring_prep_poll_multishot")
    default Sqe prepPollMultishot(int fd, int pollMask) {
        return prepPollAdd(fd, pollMask).len(POLL_ADD_MULTI); // IORING_POLL_* flags travel in len
    }

    /**
     * Equivalent to {@code io_uring_prep_poll_update(3)}; kernel 5.13. Changes the poll request
     * submitted with {@code oldUserData}: its events ({@link #POLL_UPDATE_EVENTS}) and/or its
     * user_data ({@link #POLL_UPDATE_USER_DATA}), or makes it multishot ({@link #POLL_ADD_MULTI}).
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
