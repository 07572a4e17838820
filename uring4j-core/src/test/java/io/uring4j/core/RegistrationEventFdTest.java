package io.uring4j.core;

import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.uring4j.core.RegistrationTestSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/** eventfd notification: registered, disabled through the CQ flags, async-only, unregistered. */
@Timeout(30)
class RegistrationEventFdTest {

    /** Reads the eventfd counter without blocking: the count, or 0 if it was not signalled. */
    private static long drain(int efd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            long r = Posix.read(efd, v, 8);
            if (r == -Errno.EAGAIN.code()) return 0;
            assertEquals(8, r, "eventfd read: " + Errno.describe((int) r));
            return v.get(JAVA_LONG, 0);
        }
    }

    /**
     * Waits (up to 2 s) for a signal. An io-wq worker publishes the CQE before it signals the
     * eventfd, so the CQE can be seen a moment before the eventfd becomes readable.
     */
    private static long awaitSignal(int efd) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        long n;
        while ((n = drain(efd)) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return n;
    }

    /** The count after giving a late (io-wq) signal time to arrive: 0 if none came. */
    private static long settledDrain(int efd) throws InterruptedException {
        Thread.sleep(50);
        return drain(efd);
    }

    private static int eventfd() {
        int efd = Posix.eventfd(0, Posix.EFD_NONBLOCK | Posix.EFD_CLOEXEC);
        assertTrue(efd >= 0, Errno.describe(efd));
        return efd;
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void completionSignalsTheEventfdUnlessDisabled(boolean async) throws InterruptedException {
        int efd = eventfd();
        try (IoUring ring = IoUring.open(4)) {
            ring.registration().registerEventFd(efd);
            assertEquals(0, drain(efd), "nothing completed yet");
            Sqe sqe = ring.getSqe().prepNop().userData(1);
            if (async) sqe.flag(SqeFlag.ASYNC);
            assertEquals(0, submitOne(ring).res());
            assertTrue(awaitSignal(efd) >= 1, "a CQE signals the eventfd");

            ring.setCqEventfdEnabled(false);
            assertFalse(ring.isCqEventfdEnabled());
            sqe = ring.getSqe().prepNop().userData(2);
            if (async) sqe.flag(SqeFlag.ASYNC);
            assertEquals(0, submitOne(ring).res());
            assertEquals(0, settledDrain(efd), "IORING_CQ_EVENTFD_DISABLED suppresses the signal");

            ring.setCqEventfdEnabled(true);
            ring.getSqe().prepNop().userData(3);
            submitOne(ring);
            assertTrue(awaitSignal(efd) >= 1, "signalled again once re-enabled");

            ring.registration().unregisterEventFd();
            ring.getSqe().prepNop().userData(4);
            submitOne(ring);
            assertEquals(0, settledDrain(efd), "no signal after unregister");
        } finally {
            closeAll(efd);
        }
    }

    @Test
    void asyncEventfdSignalsOnlyCompletionsFromIoWq() throws InterruptedException {
        int efd = eventfd();
        try (IoUring ring = IoUring.open(4)) {
            ring.registration().registerEventFdAsync(efd);
            ring.getSqe().prepNop().userData(1);
            submitOne(ring);
            assertEquals(0, settledDrain(efd), "an inline completion does not signal an async eventfd");
            ring.getSqe().prepNop().userData(2).flag(SqeFlag.ASYNC);
            submitOne(ring);
            assertTrue(awaitSignal(efd) >= 1, "a completion posted by an io-wq worker does");
        } finally {
            closeAll(efd);
        }
    }

    @Test
    void secondEventfdIsBusyAndUnregisterWithoutOneIsEnxio() {
        int efd = eventfd();
        try (IoUring ring = IoUring.open(4)) {
            Registration reg = ring.registration();
            IoUringException none = assertThrows(IoUringException.class, reg::unregisterEventFd);
            assertEquals(Errno.ENXIO, none.errnoConstant());
            assertTrue(none.getMessage().contains("IORING_UNREGISTER_EVENTFD"), none.getMessage());
            reg.registerEventFd(efd);
            IoUringException busy = assertThrows(IoUringException.class, () -> reg.registerEventFdAsync(efd));
            assertEquals(Errno.EBUSY, busy.errnoConstant());
            assertTrue(busy.getMessage().contains("IORING_REGISTER_EVENTFD_ASYNC") && busy.getMessage().contains(String.valueOf(efd)),
                    busy.getMessage());
            assertThrows(IllegalArgumentException.class, () -> reg.registerEventFd(-1));
        } finally {
            closeAll(efd);
        }
    }
}
