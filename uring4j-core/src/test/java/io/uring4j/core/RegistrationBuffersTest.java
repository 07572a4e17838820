package io.uring4j.core;

import io.uring4j.core.RegistrationTestSupport.Completion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.uring4j.core.RegistrationTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Fixed buffers: register, sparse + update, unregister, clone, with READ_FIXED/WRITE_FIXED through them. */
@Timeout(30)
class RegistrationBuffersTest {
    @TempDir
    Path dir;

    private static Sqe fixed(IoUring ring, Opcode op, int fd, MemorySegment buf, int len, long off, int index, boolean async) {
        Sqe sqe = op == Opcode.READ_FIXED ? ring.getSqe().prepReadFixed(fd, buf, len, off, index)
                : ring.getSqe().prepWriteFixed(fd, buf, len, off, index);
        if (async) sqe.flag(SqeFlag.ASYNC);
        return sqe;
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void registeredBuffersServeWriteFixedAndReadFixed(boolean async) {
        int fd = fileWith(dir, "data", "");
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            MemorySegment out = arena.allocate(4096, 4096);
            MemorySegment in = arena.allocate(4096, 4096);
            ring.registration().registerBuffers(List.of(out, in));
            fill(out, "fixed buffers work");
            fixed(ring, Opcode.WRITE_FIXED, fd, out, 18, 0, 0, async).userData(1);
            Completion w = submitOne(ring);
            assertEquals(18, w.res(), Errno.describe(w.res()));
            // Read into the middle of buffer 1: any range inside the registered buffer is allowed.
            fixed(ring, Opcode.READ_FIXED, fd, in.asSlice(100), 18, 0, 1, async).userData(2);
            Completion r = submitOne(ring);
            assertEquals(18, r.res(), Errno.describe(r.res()));
            assertEquals("fixed buffers work", string(in.asSlice(100), 18));
            // A range outside the buffer named by bufIndex is refused by the kernel.
            fixed(ring, Opcode.READ_FIXED, fd, out, 18, 0, 1, async).userData(3);
            assertEquals(-Errno.EFAULT.code(), submitOne(ring).res());
            ring.registration().unregisterBuffers();
            fixed(ring, Opcode.READ_FIXED, fd, in, 18, 0, 1, async).userData(4);
            assertTrue(submitOne(ring).res() < 0, "READ_FIXED without a buffer table fails");
        } finally {
            closeAll(fd);
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void sparseTableThenUpdateThenUse(boolean async) {
        int fd = fileWith(dir, "data", "sparse slot three");
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            Registration reg = ring.registration();
            reg.registerBuffersSparse(8);
            MemorySegment buf = arena.allocate(64);
            fixed(ring, Opcode.READ_FIXED, fd, buf, 17, 0, 3, async).userData(1);
            assertEquals(-Errno.EFAULT.code(), submitOne(ring).res(), "an empty slot cannot be used");

            assertEquals(1, reg.updateBuffers(3, List.of(buf)));
            fixed(ring, Opcode.READ_FIXED, fd, buf, 17, 0, 3, async).userData(2);
            Completion c = submitOne(ring);
            assertEquals(17, c.res(), Errno.describe(c.res()));
            assertEquals("sparse slot three", string(buf, 17));

            // MemorySegment.NULL empties the slot again.
            assertEquals(1, reg.updateBuffers(3, List.of(MemorySegment.NULL)));
            fixed(ring, Opcode.READ_FIXED, fd, buf, 17, 0, 3, async).userData(3);
            assertEquals(-Errno.EFAULT.code(), submitOne(ring).res());

            IoUringException e = assertThrows(IoUringException.class, () -> reg.updateBuffers(8, List.of(buf)));
            assertTrue(e.getMessage().contains("IORING_REGISTER_BUFFERS_UPDATE"), e.getMessage());
            assertEquals(Errno.EINVAL, e.errnoConstant());
        } finally {
            closeAll(fd);
        }
    }

    @Test
    void clonedBuffersWorkInTheSecondRing() {
        int fd = fileWith(dir, "data", "cloned into ring two");
        try (Arena arena = Arena.ofConfined(); IoUring src = IoUring.open(4); IoUring dst = IoUring.open(4)) {
            MemorySegment a = arena.allocate(4096), b = arena.allocate(4096);
            src.registration().registerBuffers(List.of(a, b));
            dst.registration().cloneBuffersFrom(src);
            fixed(dst, Opcode.READ_FIXED, fd, b, 20, 0, 1, false).userData(9);
            Completion c = submitOne(dst);
            assertEquals(20, c.res(), Errno.describe(c.res()));
            assertEquals("cloned into ring two", string(b, 20));

            IoUringException busy = assertThrows(IoUringException.class, () -> dst.registration().cloneBuffersFrom(src));
            assertEquals(Errno.EBUSY, busy.errnoConstant());
            assertTrue(busy.getMessage().contains("IORING_REGISTER_CLONE_BUFFERS"), busy.getMessage());
            // With replace, slot 0 of the destination is re-cloned from slot 1 of the source.
            dst.registration().cloneBuffersFrom(src, 1, 0, 1, true);
            fixed(dst, Opcode.READ_FIXED, fd, b, 6, 0, 0, false).userData(10);
            assertEquals(6, submitOne(dst).res());
        } finally {
            closeAll(fd);
        }
    }

    @Test
    void cloneFromRingWithoutBuffersIsEnxio() {
        IoUring src = IoUring.open(4);
        try (IoUring dst = IoUring.open(4)) {
            IoUringException e = assertThrows(IoUringException.class, () -> dst.registration().cloneBuffersFrom(src));
            assertEquals(Errno.ENXIO, e.errnoConstant());
            src.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> dst.registration().cloneBuffersFrom(src));
            assertTrue(closed.getMessage().contains("source"), closed.getMessage());
        } finally {
            src.close();
        }
    }

    @Test
    void unregisterWithoutBuffersNamesOpcodeAndErrno() {
        try (IoUring ring = IoUring.open(4)) {
            IoUringException e = assertThrows(IoUringException.class, () -> ring.registration().unregisterBuffers());
            assertEquals(Errno.ENXIO, e.errnoConstant());
            assertTrue(e.getMessage().contains("IORING_UNREGISTER_BUFFERS"), e.getMessage());
        }
    }

    @Test
    void badBuffersAreRefusedBeforeTheKernel() {
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(4)) {
            Registration reg = ring.registration();
            IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                    () -> reg.registerBuffers(List.of(MemorySegment.ofArray(new byte[64]))));
            assertTrue(heap.getMessage().contains("native"), heap.getMessage());
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> reg.registerBuffers(List.of()));
            assertTrue(none.getMessage().contains("given 0"), none.getMessage());
            List<MemorySegment> tooMany = new ArrayList<>(Collections.nCopies(Registration.MAX_BUFFERS + 1, arena.allocate(8)));
            IllegalArgumentException many = assertThrows(IllegalArgumentException.class, () -> reg.registerBuffers(tooMany));
            assertTrue(many.getMessage().contains("1..16384") && many.getMessage().contains("16385"), many.getMessage());
            assertThrows(IllegalArgumentException.class, () -> reg.registerBuffers(List.of(arena.allocate(8).asSlice(0, 0))));
            assertThrows(IllegalArgumentException.class, () -> reg.registerBuffers(List.of(arena.allocate(8).asReadOnly())));
            assertThrows(IllegalArgumentException.class, () -> reg.registerBuffersSparse(-1));
            assertThrows(IllegalArgumentException.class, () -> reg.updateBuffers(-1, List.of(arena.allocate(8))));
            assertThrows(IllegalArgumentException.class, () -> reg.cloneBuffersFrom(ring, -1, 0, 0, false));
            assertThrows(NullPointerException.class, () -> reg.registerBuffers(null));
        }
    }
}
