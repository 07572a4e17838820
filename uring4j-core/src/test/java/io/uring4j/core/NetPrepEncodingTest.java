package io.uring4j.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The network, buffer, command and msg_ring helpers write exactly the SQE fields liburing's
 * helpers write (checked field by field on a detached SQE), including the "+1" slot encoding.
 */
class NetPrepEncodingTest {
    private Arena arena;
    private MemorySegment mem;
    private Sqe sqe;
    private MemorySegment a16, len4;

    @BeforeEach
    void fresh() {
        arena = Arena.ofConfined();
        mem = arena.allocate(64, 8);
        sqe = new Sqe(mem, 0, 64);
        a16 = arena.allocate(16);
        len4 = SocketAddresses.allocateLength(arena, 16);
    }

    @AfterEach
    void close() {
        arena.close();
    }

    private int opcode() { return Byte.toUnsignedInt(mem.get(JAVA_BYTE, 0)); }
    private int ioprio() { return Short.toUnsignedInt(mem.get(JAVA_SHORT, 2)); }
    private int fd() { return mem.get(JAVA_INT, 4); }
    private long off() { return mem.get(JAVA_LONG, 8); }
    private long addr() { return mem.get(JAVA_LONG, 16); }
    private int len() { return mem.get(JAVA_INT, 24); }
    private int opFlags() { return mem.get(JAVA_INT, 28); }
    private int bufIndex() { return Short.toUnsignedInt(mem.get(JAVA_SHORT, 40)); }
    private int fileIndex() { return mem.get(JAVA_INT, 44); }
    private long addr3() { return mem.get(JAVA_LONG, 48); }

    private void redo() {
        mem.fill((byte) 0);
    }

    @Test
    void acceptFamily() {
        sqe.prepAccept(5, a16, len4, 0x80000);
        assertEquals(List.of(13, 5, a16.address(), 0, len4.address(), 0x80000, 0, 0),
                List.of(opcode(), fd(), addr(), len(), off(), opFlags(), ioprio(), fileIndex()));
        redo();
        sqe.prepAcceptDirect(5, a16, len4, 0, 2);
        assertEquals(3, fileIndex(), "slot 2 is written as 2 + 1");
        redo();
        sqe.prepAcceptDirectAlloc(5, MemorySegment.NULL, MemorySegment.NULL, 0);
        assertEquals(-1, fileIndex(), "IORING_FILE_INDEX_ALLOC");
        assertEquals(0, addr());
        assertEquals(0, off());
        redo();
        sqe.prepMultishotAccept(5, a16, len4, 0);
        assertEquals(NetOps.ACCEPT_MULTISHOT, ioprio());
        assertEquals(0, fileIndex());
        redo();
        sqe.prepMultishotAcceptDirect(5, MemorySegment.NULL, MemorySegment.NULL, 0);
        assertEquals(List.of(13, NetOps.ACCEPT_MULTISHOT, -1), List.of(opcode(), ioprio(), fileIndex()));
    }

    @Test
    void socketLifecycle() {
        sqe.prepConnect(5, a16, 16);
        assertEquals(List.of(16, 5, a16.address(), 0, 16L), List.of(opcode(), fd(), addr(), len(), off()));
        redo();
        sqe.prepBind(6, a16);
        assertEquals(List.of(56, 6, a16.address(), 0, 16L), List.of(opcode(), fd(), addr(), len(), off()));
        redo();
        sqe.prepListen(6, 128);
        assertEquals(List.of(57, 6, 0L, 128), List.of(opcode(), fd(), addr(), len()));
        redo();
        sqe.prepShutdown(6, NetOps.SHUT_RDWR);
        assertEquals(List.of(34, 6, 2), List.of(opcode(), fd(), len()));
        redo();
        sqe.prepSocket(10, 1 | 0x80000, 6, 0);
        assertEquals(List.of(45, 10, 6, (long) (1 | 0x80000), 0, 0), List.of(opcode(), fd(), len(), off(), opFlags(), fileIndex()));
        redo();
        sqe.prepSocketDirect(2, 2, 0, 0, 0);
        assertEquals(1, fileIndex());
        redo();
        sqe.prepSocketDirectAlloc(2, 2, 0, 0);
        assertEquals(-1, fileIndex());
    }

    @Test
    void sendAndReceive() {
        MemorySegment buf = arena.allocate(32);
        sqe.prepSend(5, buf, 10, Msghdr.MSG_NOSIGNAL);
        assertEquals(List.of(26, 5, buf.address(), 10, Msghdr.MSG_NOSIGNAL), List.of(opcode(), fd(), addr(), len(), opFlags()));
        redo();
        sqe.prepSendto(5, buf, 32, 0, a16, 16);
        assertEquals(a16.address(), off(), "addr2 holds the destination");
        assertEquals(16, fileIndex(), "addr_len in the low half, padding 0");
        redo();
        sqe.prepSendBundle(5, 100, 0);
        assertEquals(List.of(26, 0L, 100, SendRecvOps.RECVSEND_BUNDLE), List.of(opcode(), addr(), len(), ioprio()));
        redo();
        sqe.prepSendZc(5, buf, 32, 0, SendRecvOps.SEND_ZC_REPORT_USAGE);
        assertEquals(List.of(47, 32, SendRecvOps.SEND_ZC_REPORT_USAGE), List.of(opcode(), len(), ioprio()));
        redo();
        sqe.prepSendZcFixed(5, buf, 32, 0, 0, 7);
        assertEquals(List.of(47, SendRecvOps.RECVSEND_FIXED_BUF, 7), List.of(opcode(), ioprio(), bufIndex()));
        MemorySegment msg = arena.allocate(Msghdr.LAYOUT);
        for (Object[] c : new Object[][] {{9, 0}, {48, 0}, {10, 0}, {10, SendRecvOps.RECV_MULTISHOT}, {48, SendRecvOps.RECVSEND_FIXED_BUF}}) {
            redo();
            int op = (int) c[0], prio = (int) c[1];
            switch (op * 100 + prio) {
                case 900 -> sqe.prepSendmsg(5, msg, 0x40);
                case 4800 -> sqe.prepSendmsgZc(5, msg, 0x40);
                case 1000 -> sqe.prepRecvmsg(5, msg, 0x40);
                case 1002 -> sqe.prepRecvmsgMultishot(5, msg, 0x40);
                default -> sqe.prepSendmsgZcFixed(5, msg, 0x40, 3);
            }
            assertEquals(List.of(op, 5, msg.address(), 1, 0x40, prio), List.of(opcode(), fd(), addr(), len(), opFlags(), ioprio()));
        }
        assertEquals(3, bufIndex());
        redo();
        sqe.prepRecv(5, buf, 0x100);
        assertEquals(List.of(27, buf.address(), 32, 0x100, 0), List.of(opcode(), addr(), len(), opFlags(), ioprio()));
        redo();
        sqe.prepRecvMultishot(5, MemorySegment.NULL, 0, 0);
        assertEquals(List.of(27, 0L, 0, SendRecvOps.RECV_MULTISHOT), List.of(opcode(), addr(), len(), ioprio()));
        redo();
        sqe.prepRecvZc(5, 4096, 2);
        assertEquals(List.of(58, 5, 4096, SendRecvOps.RECV_MULTISHOT, 2, 0L, 0L), List.of(opcode(), fd(), len(), ioprio(), fileIndex(), addr(), off()));
    }

    @Test
    void buffersCommandsAndMessages() {
        MemorySegment pool = arena.allocate(128);
        sqe.prepProvideBuffers(pool, 32, 4, 9, 100);
        assertEquals(List.of(31, 4, pool.address(), 32, 100L, 9), List.of(opcode(), fd(), addr(), len(), off(), bufIndex()));
        redo();
        sqe.prepRemoveBuffers(10, 9);
        assertEquals(List.of(32, 10, 0L, 9), List.of(opcode(), fd(), addr(), bufIndex()));
        redo();
        sqe.prepUringCmd(0x8765_4321, 5);
        assertEquals(List.of(46, 5, 0x8765_4321L, 0L, 0), List.of(opcode(), fd(), off(), addr(), len()), "cmd_op with __pad1 0");
        redo();
        MemorySegment val = arena.allocate(4);
        sqe.prepCmdSock(CmdOps.SOCKET_URING_OP_SETSOCKOPT, 5, 6, 18, val, 4);
        assertEquals(List.of(46, 3L, 6, 18, 4, val.address()),
                List.of(opcode(), off(), mem.get(JAVA_INT, 16), mem.get(JAVA_INT, 20), fileIndex(), addr3()));
        redo();
        sqe.prepCmdGetsockname(5, a16, len4, true);
        assertEquals(List.of(5L, a16.address(), len4.address(), 1), List.of(off(), addr(), addr3(), fileIndex()));
        redo();
        sqe.prepMsgRing(7, 42, 99, 0);
        assertEquals(List.of(40, 7, 0L, 42, 99L, 0), List.of(opcode(), fd(), addr(), len(), off(), opFlags()));
        redo();
        sqe.prepMsgRingCqeFlags(7, 42, 99, 0, 0x10000);
        assertEquals(List.of(MsgRingOps.MSG_RING_FLAGS_PASS, 0x10000), List.of(opFlags(), fileIndex()));
        redo();
        sqe.prepMsgRingFd(7, 1, 3, 77, MsgRingOps.MSG_RING_CQE_SKIP);
        assertEquals(List.of(40, 7, 1L, 0, 77L, 1L, 4, 1), List.of(opcode(), fd(), addr(), len(), off(), addr3(), fileIndex(), opFlags()));
        redo();
        sqe.prepMsgRingFdAlloc(7, 0, 77, 0);
        assertEquals(List.of(1L, 0L, -1), List.of(addr(), addr3(), fileIndex()));
    }

    /** Every helper of these families is annotated, names a liburing function, and writes its opcode. */
    @Test
    void everyHelperCarriesItsPrepMark() {
        int helpers = 0;
        for (Class<?> family : List.of(NetOps.class, SendRecvOps.class, BufferOps.class, CmdOps.class, MsgRingOps.class)) {
            for (Method m : family.getDeclaredMethods()) {
                if (!m.isDefault() || m.getName().equals("prepSendSetAddr")) continue;
                Prep p = m.getAnnotation(Prep.class);
                assertNotNull(p, family.getSimpleName() + "." + m.getName() + " has no @Prep");
                assertTrue(p.liburing().startsWith("io_uring_prep_"), m + ": " + p.liburing());
                helpers++;
            }
        }
        assertTrue(helpers >= 35, "helpers found: " + helpers);
        assertTrue(Arrays.asList(Sqe.class.getInterfaces()).containsAll(
                List.of(NetOps.class, SendRecvOps.class, BufferOps.class, CmdOps.class, MsgRingOps.class)));
    }
}
