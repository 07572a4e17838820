package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import io.uring4j.core.OpTesting.Fd;
import io.uring4j.core.OpTesting.Pipe;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.uring4j.core.OpTesting.*;
import static io.uring4j.core.TimeoutOpsTest.assertCancelled;
import static io.uring4j.core.TimeoutOpsTest.byUserData;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Ordering through SQE flags: links, hardlinks, drain, link timeouts,
 * CQE_SKIP_SUCCESS, failure propagation, and one-byte writes that must land in order.
 */
@Timeout(60)
class LinkTest {

    @TempDir
    Path dir;

    private static final int ECANCELED = -Errno.ECANCELED.code();
    private static final int EINVAL = -Errno.EINVAL.code();

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void linkedReadSeesTheLinkedWrite(boolean async) throws IOException {
        Path f = Files.createFile(dir.resolve("link"));
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(f, FsOps.O_RDWR)) {
            MemorySegment in = arena.allocate(16);
            maybeAsync(ring.getSqe().prepWrite(fd.fd(), arena.allocateFrom("linked"), 6, 0).userData(1), async)
                    .flag(SqeFlag.IO_LINK);
            maybeAsync(ring.getSqe().prepRead(fd.fd(), in, 16, 0).userData(2), async);
            List<Completion> cs = submitAndAwait(ring, 2);
            assertEquals(List.of(1L, 2L), cs.stream().map(Completion::userData).toList(), "a link runs in order");
            assertEquals(6, cs.get(0).res());
            assertEquals(6, cs.get(1).res(), "the read starts only after the write completed");
            assertEquals("linked", new String(bytes(in.asSlice(0, 6)), StandardCharsets.US_ASCII));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void failingMemberCancelsTheRestOfTheChain(boolean async) {
        try (IoUring ring = IoUring.open(8)) {
            maybeAsync(ring.getSqe().prepNop().userData(1), async).flag(SqeFlag.IO_LINK);
            maybeAsync(ring.getSqe().prepNop(EINVAL).userData(2), async).flag(SqeFlag.IO_LINK);
            maybeAsync(ring.getSqe().prepNop().userData(3), async).flag(SqeFlag.IO_LINK);
            maybeAsync(ring.getSqe().prepNop().userData(4), async);
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 4));
            assertEquals(0, m.get(1L).res());
            assertEquals(EINVAL, m.get(2L).res());
            assertEquals(ECANCELED, m.get(3L).res());
            assertEquals(ECANCELED, m.get(4L).res());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void hardlinkContinuesPastAFailure(boolean async) {
        try (IoUring ring = IoUring.open(8)) {
            maybeAsync(ring.getSqe().prepNop(EINVAL).userData(1), async).flag(SqeFlag.IO_HARDLINK);
            maybeAsync(ring.getSqe().prepNop(-Errno.EIO.code()).userData(2), async).flag(SqeFlag.IO_HARDLINK);
            maybeAsync(ring.getSqe().prepNop().userData(3), async);
            List<Completion> cs = submitAndAwait(ring, 3);
            assertEquals(List.of(1L, 2L, 3L), cs.stream().map(Completion::userData).toList());
            assertEquals(List.of(EINVAL, -Errno.EIO.code(), 0), cs.stream().map(Completion::res).toList());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void prepFailureOfAMemberFailsTheChain(boolean async) {
        try (IoUring ring = IoUring.open(8)) {
            maybeAsync(ring.getSqe().prepNop().userData(1), async).flag(SqeFlag.IO_LINK);
            // unknown nop_flags bits are refused while the SQE is prepared, not when it runs
            maybeAsync(ring.getSqe().prepNop().opFlags(1 << 30).userData(2), async).flag(SqeFlag.IO_LINK);
            maybeAsync(ring.getSqe().prepNop().userData(3), async);
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 3));
            assertEquals(EINVAL, m.get(2L).res());
            assertEquals(ECANCELED, m.get(1L).res(), "the head never ran");
            assertEquals(ECANCELED, m.get(3L).res());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void drainWaitsForEverythingBefore(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            ring.getSqe().prepTimeout(KernelTimespec.allocate(arena, Duration.ofMillis(40)), 0, 0).userData(1);
            maybeAsync(ring.getSqe().prepNop().userData(2), async).flag(SqeFlag.IO_DRAIN);
            maybeAsync(ring.getSqe().prepNop().userData(3), async);
            List<Completion> cs = submitAndAwait(ring, 3);
            assertEquals(1L, cs.get(0).userData(), "the drained NOP waits for the timeout: " + cs);
            assertEquals(-Errno.ETIME.code(), cs.get(0).res());
            assertEquals(Set.of(2L, 3L), Set.of(cs.get(1).userData(), cs.get(2).userData()),
                    "requests after a drain are held back too");
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void linkTimeoutThatFiresCancelsTheRequest(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe pipe = Pipe.open(0)) {
            maybeAsync(ring.getSqe().prepRead(pipe.readFd(), arena.allocate(8), 0).userData(1), async).flag(SqeFlag.IO_LINK);
            ring.getSqe().prepLinkTimeout(KernelTimespec.allocate(arena, Duration.ofMillis(20)), 0).userData(2);
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 2));
            assertCancelled(m.get(1L));
            assertEquals(-Errno.ETIME.code(), m.get(2L).res());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void linkTimeoutThatDoesNotFireIsCancelled(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            long start = System.nanoTime();
            maybeAsync(ring.getSqe().prepNop().userData(1), async).flag(SqeFlag.IO_LINK);
            ring.getSqe().prepLinkTimeout(KernelTimespec.allocate(arena, Duration.ofSeconds(10)), 0).userData(2);
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 2));
            assertEquals(0, m.get(1L).res());
            assertEquals(ECANCELED, m.get(2L).res());
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "did not wait for the timer");
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void cqeSkipSuccessPostsOnlyFailures(boolean async) {
        try (IoUring ring = IoUring.open(8)) {
            maybeAsync(ring.getSqe().prepNop().userData(1), async).flag(SqeFlag.CQE_SKIP_SUCCESS);
            maybeAsync(ring.getSqe().prepNop(EINVAL).userData(2), async).flag(SqeFlag.CQE_SKIP_SUCCESS);
            maybeAsync(ring.getSqe().prepNop().userData(3), async).flag(SqeFlag.IO_LINK).flag(SqeFlag.CQE_SKIP_SUCCESS);
            maybeAsync(ring.getSqe().prepNop().userData(4), async);
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 2));
            assertEquals(Set.of(2L, 4L), m.keySet());
            assertEquals(EINVAL, m.get(2L).res());
            assertEquals(0, m.get(4L).res());
            assertNoCqe(ring, Duration.ofMillis(30));
        }
    }

    /** One-byte writes at the file position, linked so they land in order. */
    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void thousandLinkedOneByteWritesAtTheFilePositionStayOrdered(boolean async) throws IOException {
        orderedOneByteWrites(async, true);
    }

    /** The same with explicit increasing offsets. */
    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void thousandLinkedOneByteWritesAtExplicitOffsetsStayOrdered(boolean async) throws IOException {
        orderedOneByteWrites(async, false);
    }

    private void orderedOneByteWrites(boolean async, boolean filePosition) throws IOException {
        int total = 1000, entries = 64, chain = entries - 1;
        Path f = Files.createFile(dir.resolve("ordered"));
        byte[] expected = new byte[total];
        try (IoUring ring = IoUring.open(entries); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(f, FsOps.O_WRONLY)) {
            MemorySegment data = arena.allocate(total);
            for (int i = 0; i < total; i++) {
                expected[i] = (byte) ('a' + (i * 7) % 26);
                data.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, expected[i]);
            }
            for (int start = 0; start < total; start += chain) {
                int n = Math.min(chain, total - start);
                for (int i = start; i < start + n; i++) {
                    Sqe sqe = ring.getSqe().prepWrite(fd.fd(), data.asSlice(i, 1), filePosition ? -1 : i).userData(i);
                    maybeAsync(sqe, async);
                    if (i < start + n - 1) sqe.flag(SqeFlag.IO_LINK);
                }
                assertEquals(n, ring.submit(), "one submit per chain");
                for (int k = 0; k < n; k++) {
                    Completion c = await(ring);
                    assertEquals(1, c.res(), () -> "write " + c.userData() + ": " + c);
                }
            }
        }
        assertArrayEquals(expected, Files.readAllBytes(f));
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void unlinkedRequestsAllCompleteInSomeOrder(boolean async) throws IOException {
        int total = 200;
        Path f = Files.createFile(dir.resolve("unordered"));
        try (IoUring ring = IoUring.open(256); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(f, FsOps.O_WRONLY)) {
            MemorySegment data = arena.allocate(total).fill((byte) 'z');
            for (int i = 0; i < total; i++) {
                if (i % 2 == 0) {
                    maybeAsync(ring.getSqe().prepWrite(fd.fd(), data.asSlice(i, 1), i).userData(i), async);
                } else {
                    maybeAsync(ring.getSqe().prepNop().userData(i), async);
                }
            }
            Set<Long> seen = new HashSet<>();
            for (Completion c : submitAndAwait(ring, total)) {
                assertTrue(seen.add(c.userData()), "each user_data once: " + c);
                assertEquals(c.userData() % 2 == 0 ? 1 : 0, c.res(), c::toString);
            }
            assertEquals(total, seen.size());
            assertNoCqe(ring, Duration.ofMillis(10));
        }
        byte[] content = Files.readAllBytes(f);
        assertEquals(total - 1, content.length);
        for (int i = 0; i < content.length; i += 2) assertEquals('z', content[i]);
    }
}
