package io.uring4j.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.uring4j.core.RegistrationTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Registered ring fds and REGISTERED_FD_ONLY rings. */
@Timeout(30)
class RegistrationRingFdTest {

    private static void nopRoundTrips(IoUring ring, int n) {
        for (int i = 0; i < n; i++) {
            Sqe sqe = ring.getSqe().prepNop().userData(100 + i);
            if (i % 2 == 1) sqe.flag(SqeFlag.ASYNC);
        }
        assertEquals(n, ring.submit());
        for (int i = 0; i < n; i++) {
            Cqe cqe = ring.waitCqe(Duration.ofSeconds(5));
            assertNotNull(cqe, "CQE " + i);
            assertEquals(0, cqe.res());
            ring.cqeSeen(cqe);
        }
    }

    private static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void registeredRingFdRoundTripsThenUnregisters() {
        try (IoUring ring = IoUring.open(8)) {
            assertFalse(ring.isRingFdRegistered());
            int index = ring.registerRingFd();
            assertTrue(index >= 0, "index " + index);
            assertTrue(ring.isRingFdRegistered());
            assertTrue(ring.fd() >= 0, "the plain fd stays open");
            nopRoundTrips(ring, 8);
            // register() now goes through the registered index (REG_REG_RING): registration works as before.
            int id = ring.registration().registerPersonality();
            ring.registration().unregisterPersonality(id);
            IllegalStateException twice = assertThrows(IllegalStateException.class, ring::registerRingFd);
            assertTrue(twice.getMessage().contains("already registered"), twice.getMessage());

            ring.unregisterRingFd();
            assertFalse(ring.isRingFdRegistered());
            nopRoundTrips(ring, 4);
            assertThrows(IllegalStateException.class, ring::unregisterRingFd);
            assertTrue(ring.registerRingFd() >= 0, "can register again");
            nopRoundTrips(ring, 2);
        }
    }

    @Test
    void registeredFdOnlyRingHasNoFdAndWorks() throws IOException {
        long fdsBefore = openFds();
        IoUring ring = IoUring.open(8, SetupFlag.NO_MMAP, SetupFlag.REGISTERED_FD_ONLY);
        try {
            assertEquals(-1, ring.fd());
            assertTrue(ring.isRingFdRegistered());
            assertEquals(fdsBefore, openFds(), "no fd in the process table");
            nopRoundTrips(ring, 8);
            int id = ring.registration().registerPersonality();
            ring.getSqe().prepNop().personality(id).userData(1);
            assertEquals(0, submitOne(ring).res(), "registration through the registered index");
            IllegalStateException e = assertThrows(IllegalStateException.class, ring::unregisterRingFd);
            assertTrue(e.getMessage().contains("REGISTERED_FD_ONLY"), e.getMessage());
            IoUring other = IoUring.open(2);
            try {
                IllegalArgumentException noFd = assertThrows(IllegalArgumentException.class,
                        () -> other.registration().cloneBuffersFrom(ring));
                assertTrue(noFd.getMessage().contains("REGISTERED_FD_ONLY"), noFd.getMessage());
            } finally {
                other.close();
            }
        } finally {
            ring.close();
        }
        assertTrue(ring.isClosed());
        ring.close(); // idempotent
        assertEquals(fdsBefore, openFds());
    }

    /** A thread has 16 registered-ring slots: closing must free the slot, or the 17th ring fails. */
    @Test
    void closingFreesTheRegisteredSlot() {
        for (int i = 0; i < 40; i++) {
            try (IoUring ring = IoUring.open(2, SetupFlag.NO_MMAP, SetupFlag.REGISTERED_FD_ONLY)) {
                ring.getSqe().prepNop().userData(i);
                assertEquals(i, submitOne(ring).userData());
            }
            try (IoUring ring = IoUring.open(2)) {
                ring.registerRingFd();
            }
        }
    }

    @Test
    void registeredFdOnlyNeedsNoMmap() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IoUring.open(8, SetupFlag.REGISTERED_FD_ONLY));
        assertTrue(e.getMessage().contains("NO_MMAP"), e.getMessage());
    }
}
