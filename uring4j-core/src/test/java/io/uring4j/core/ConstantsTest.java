package io.uring4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ConstantsTest {

    @Test
    void opcodesFollowKernelNumbering() {
        Opcode[] all = Opcode.values();
        assertEquals(all.length, Opcode.count());
        for (int i = 0; i < all.length; i++) {
            assertEquals(i, all[i].code(), all[i].name());
            assertSame(all[i], Opcode.of(i));
            assertEquals("IORING_OP_" + all[i].name(), all[i].kernelName());
        }
        assertEquals(Opcode.NOP, Opcode.of(0));
        assertEquals(22, Opcode.READ.code());
        assertEquals("IORING_OP_READ", Opcode.READ.kernelName());
    }

    @Test
    void registerOpcodesFollowKernelNumbering() {
        RegisterOp[] all = RegisterOp.values();
        for (int i = 0; i < all.length; i++) {
            assertEquals(i, all[i].code(), all[i].name());
        }
        assertEquals(9, RegisterOp.REGISTER_PERSONALITY.code());
        assertEquals(33, RegisterOp.REGISTER_RESIZE_RINGS.code());
        assertEquals("IORING_UNREGISTER_RING_FDS", RegisterOp.UNREGISTER_RING_FDS.kernelName());
    }

    @Test
    void unknownOpcodeNamesTheValue() {
        int past = Opcode.count(); // IORING_OP_LAST: the first number this library does not know
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Opcode.of(past));
        assertTrue(e.getMessage().contains("opcode " + past), e.getMessage());
        assertTrue(e.getMessage().contains("0.." + (past - 1)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Opcode.of(-1));
    }

    @Test
    void opcodeTraits() {
        assertEquals(Opcode.FileKind.FIXABLE, Opcode.READ.fileKind());
        assertEquals(Opcode.FileKind.NONE, Opcode.NOP.fileKind());
        assertEquals(Opcode.FileKind.FD, Opcode.CLOSE.fileKind());
        assertTrue(Opcode.ACCEPT.multishotCapable());
        assertEquals(false, Opcode.WRITE.multishotCapable());
        assertTrue(Opcode.NOP128.wideSqe());
    }

    @Test
    void setupFlagBits() {
        assertEquals(21, SetupFlag.values().length);
        assertEquals(1 << 10, SetupFlag.SQE128.mask());
        assertEquals(1 << 16, SetupFlag.NO_SQARRAY.mask());
        assertEquals(1 << 20, SetupFlag.SQ_REWIND.mask());
        assertEquals("IORING_SETUP_SQE128", SetupFlag.SQE128.kernelName());
        assertEquals("5.19", SetupFlag.SQE128.since());
    }

    @Test
    void kernelNamesAreTheFamilyPrefixAndTheConstantsName() {
        assertEquals("IORING_FEAT_EXT_ARG", Feature.EXT_ARG.kernelName());
        assertEquals("IOSQE_IO_LINK", SqeFlag.IO_LINK.kernelName());
        assertEquals("IORING_ENTER_GETEVENTS", EnterFlag.GETEVENTS.kernelName());
        assertEquals("IORING_CQE_F_MORE", CqeFlag.MORE.kernelName());
        assertSame(SetupFlag.NO_MMAP.kernelName(), SetupFlag.NO_MMAP.kernelName(), "computed once");
        for (SetupFlag f : SetupFlag.values()) assertEquals("IORING_SETUP_" + f.name(), f.kernelName());
        for (CqeFlag f : CqeFlag.values()) {
            assertEquals(f == CqeFlag.CQE32_ENTRY ? "IORING_CQE_F_32" : "IORING_CQE_F_" + f.name(), f.kernelName());
            assertEquals(1, Integer.bitCount(f.mask()), f.name());
        }
        assertEquals("6.1", SetupFlag.DEFER_TASKRUN.since());
        assertEquals("5.17", SqeFlag.CQE_SKIP_SUCCESS.since());
    }

    @Test
    void featureBitsAreContiguous() {
        Feature[] all = Feature.values();
        assertEquals(18, all.length);
        for (int i = 0; i < all.length; i++) {
            assertEquals(1 << i, all[i].mask(), all[i].name());
        }
        assertEquals(0x3ffff, BitFlag.maskOf(EnumSet.allOf(Feature.class)));
    }

    @Test
    void sqeEnterAndCqeFlags() {
        assertEquals(7, SqeFlag.values().length);
        assertEquals(4, SqeFlag.IO_LINK.mask());
        assertEquals(64, SqeFlag.CQE_SKIP_SUCCESS.mask());
        assertEquals(8, EnterFlag.EXT_ARG.mask());
        assertEquals(16, EnterFlag.REGISTERED_RING.mask());
        assertEquals(1 << 15, CqeFlag.CQE32_ENTRY.mask());
        assertEquals("IORING_CQE_F_32", CqeFlag.CQE32_ENTRY.kernelName());
        assertEquals(7, CqeFlag.bufferId((7 << CqeFlag.BUFFER_SHIFT) | CqeFlag.BUFFER.mask()));
    }

    @Test
    void socketConstantsAreLinuxValues() {
        assertEquals(2, SocketConstants.AF_INET);
        assertEquals(10, SocketConstants.AF_INET6);
        assertEquals(02000000, SocketConstants.SOCK_CLOEXEC);
        assertEquals(9, SocketConstants.SO_KEEPALIVE);
        assertEquals(18, SocketConstants.TCP_USER_TIMEOUT);
        assertEquals(0x4000, SocketConstants.MSG_NOSIGNAL);
        // the same numbers under the names of the classes that use them
        assertEquals(SocketConstants.AF_UNIX, SocketAddresses.AF_UNIX);
        assertEquals(SocketConstants.MSG_TRUNC, Msghdr.MSG_TRUNC);
        assertEquals(SocketConstants.SHUT_RDWR, NetOps.SHUT_RDWR);
        assertEquals(FsOps.FILE_INDEX_ALLOC, NetOps.FILE_INDEX_ALLOC);
        assertEquals(CancelFlags.ALL | CancelFlags.FD, CancelOps.CANCEL_ALL | CancelOps.CANCEL_FD);
    }

    @Test
    void errnoLookup() {
        assertSame(Errno.EINVAL, Errno.of(22));
        assertSame(Errno.EINVAL, Errno.of(-22));
        assertEquals("Invalid argument", Errno.EINVAL.description());
        assertSame(Errno.EHWPOISON, Errno.of(133));
        assertNull(Errno.of(0));
        assertNull(Errno.of(41));
        assertNull(Errno.of(134));
        assertNull(Errno.of(Integer.MIN_VALUE));
        assertTrue(Errno.describe(-125).contains("ECANCELED"), Errno.describe(-125));
        assertEquals("ECANCELED (Operation canceled)", Errno.describe(125));
        assertEquals("errno 999 (unknown)", Errno.describe(999));
        assertEquals(131, Errno.values().length);
    }

    @Test
    void namesShowsUnknownBitsAsHex() {
        int mask = SetupFlag.SQE128.mask() | SetupFlag.CQE32.mask() | (1 << 23);
        assertEquals("SQE128|CQE32|0x800000", BitFlag.names(SetupFlag.class, mask));
        assertEquals("0", BitFlag.names(SetupFlag.class, 0));
        assertEquals("0x80000000", BitFlag.names(EnterFlag.class, 1 << 31));
        assertEquals("IO_LINK", BitFlag.names(SqeFlag.class, 4));
    }

    @Test
    void maskAndSetRoundTrip() {
        EnumSet<SetupFlag> flags = EnumSet.of(SetupFlag.SQPOLL, SetupFlag.SINGLE_ISSUER,
                SetupFlag.NO_SQARRAY, SetupFlag.SQ_REWIND);
        int mask = BitFlag.maskOf(flags);
        assertEquals((1 << 1) | (1 << 12) | (1 << 16) | (1 << 20), mask);
        assertEquals(flags, BitFlag.setOf(SetupFlag.class, mask));
        assertEquals(flags, BitFlag.setOf(SetupFlag.class, mask | (1 << 30)));
        assertEquals(mask, BitFlag.maskOf(SetupFlag.SQPOLL, SetupFlag.SINGLE_ISSUER,
                SetupFlag.NO_SQARRAY, SetupFlag.SQ_REWIND));
        assertEquals(0, BitFlag.maskOf(EnumSet.noneOf(SqeFlag.class)));
        assertTrue(BitFlag.setOf(CqeFlag.class, 0).isEmpty());
        assertTrue(SqeFlag.ASYNC.isSet(0x10));
        for (Feature f : Feature.values()) {
            assertEquals(EnumSet.of(f), BitFlag.setOf(Feature.class, f.mask()));
        }
    }
}
