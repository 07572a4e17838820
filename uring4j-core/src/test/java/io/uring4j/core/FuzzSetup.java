package io.uring4j.core;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ring side of a fuzz scenario: a random setup (entries, setup flags, SQPOLL parameters, a
 * peer ring, caller memory) and random registrations on the open ring (files, buffers, buffer
 * rings, eventfd, personality, ring fd, restrictions, sync cancel, resize, clock).
 */
final class FuzzSetup {
    private final CoreFuzzer f;
    private final FuzzInput in;
    private final List<BufferRing> bufferRings = new ArrayList<>();

    FuzzSetup(CoreFuzzer f) {
        this.f = f;
        this.in = f.in;
    }

    /** The scenario's ring, or null when the random setup was refused (with a documented exception). */
    IoUring openRing() {
        if (in.oneIn(3)) {
            try {
                f.peer = IoUring.open(8, in.bool() ? new SetupFlag[] {SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN} : new SetupFlag[0]);
            } catch (RuntimeException e) {
                f.expected(e, "opening the peer ring");
            }
        }
        int entries = in.oneIn(8) ? in.pick(0, -1, 3, 4096, 32768, 65536, in.anyInt()) : 1 << in.intIn(0, 6);
        IoUringParams params = IoUringParams.create();
        int mask = 0;
        for (SetupFlag flag : SetupFlag.values()) {
            int odds = switch (flag) {
                case SQPOLL, IOPOLL, HYBRID_IOPOLL, SQ_AFF, ATTACH_WQ, REGISTERED_FD_ONLY, SQE_MIXED, SQ_REWIND -> 24;
                default -> 5;
            };
            if (in.oneIn(odds)) mask |= flag.mask();
        }
        if (in.oneIn(32)) mask |= 1 << in.intIn(21, 31); // a bit no kernel knows yet
        String what = "open(" + entries + ", flags 0x" + Integer.toHexString(mask) + ")";
        try {
            params.flagsMask(mask);
            if ((mask & SetupFlag.CQSIZE.mask()) != 0) params.cqEntries(in.oneIn(4) ? in.anyInt() : in.intIn(1, 256));
            if ((mask & SetupFlag.SQPOLL.mask()) != 0) params.sqThreadIdle(in.intIn(0, 10)); // an idle SQ thread spins: keep it short
            if ((mask & SetupFlag.SQ_AFF.mask()) != 0) params.sqThreadCpu(in.oneIn(4) ? in.anyInt() : in.intIn(0, 1));
            if ((mask & SetupFlag.ATTACH_WQ.mask()) != 0) params.attachWq(f.peer != null ? f.peer.fd() : in.pick(FuzzFds.INVALID));
            if (in.oneIn(8)) params.tryNoSqArray(false);
            IoUring ring;
            if (in.oneIn(6)) {
                long size = IoUring.memorySize(entries, params.copy().flags(SetupFlag.NO_MMAP));
                if (size > GuardedMemory.BLOCK_BYTES / 2) return null;
                MemorySegment memory = f.mem.ringMemory(size);
                what = "openInMemory(" + entries + ", flags 0x" + Integer.toHexString(mask) + ", " + size + " bytes)";
                ring = IoUring.openInMemory(entries, params, memory);
                f.callerMemory = true;
            } else {
                ring = IoUring.open(entries, params);
            }
            f.note(what + " -> setup 0x" + Integer.toHexString(ring.setupFlags()) + ", " + ring.sqEntries() + "/" + ring.cqEntries());
            return ring;
        } catch (RuntimeException e) {
            f.expected(e, what);
            f.note(what + " refused: " + e.getMessage());
            CoreFuzzer.setupRefusals++;
            return null;
        }
    }

    /** One random registration call on the ring. */
    void registration() {
        IoUring ring = f.ring;
        String what = "registration";
        try {
            Registration reg = ring.registration();
            switch (in.intIn(0, 19)) {
                case 0 -> { what = "registerFiles"; reg.registerFiles(fdArray()); }
                case 1 -> { what = "registerFilesSparse"; reg.registerFilesSparse(count()); }
                case 2 -> { what = "updateFiles"; f.note(what + " -> " + reg.updateFiles(count(), fdArray())); }
                case 3 -> { what = "unregisterFiles"; reg.unregisterFiles(); }
                case 4 -> { what = "registerFileAllocRange"; reg.registerFileAllocRange(count(), count()); }
                case 5 -> { what = "registerBuffers"; reg.registerBuffers(buffers()); }
                case 6 -> { what = "registerBuffersSparse"; reg.registerBuffersSparse(count()); }
                case 7 -> { what = "updateBuffers"; f.note(what + " -> " + reg.updateBuffers(count(), buffers())); }
                case 8 -> { what = "unregisterBuffers"; reg.unregisterBuffers(); }
                case 9 -> {
                    what = "eventfd";
                    switch (in.intIn(0, 2)) {
                        case 0 -> reg.registerEventFd(in.oneIn(2) ? f.fds.eventFd : f.fds.fd(in));
                        case 1 -> reg.registerEventFdAsync(in.oneIn(2) ? f.fds.eventFd : f.fds.fd(in));
                        default -> reg.unregisterEventFd();
                    }
                }
                case 10 -> {
                    what = "personality";
                    if (in.bool()) f.note("registerPersonality -> " + reg.registerPersonality());
                    else reg.unregisterPersonality(in.intIn(-1, 3));
                }
                case 11 -> {
                    what = "ring fd";
                    if (in.bool()) f.note("registerRingFd -> " + ring.registerRingFd());
                    else ring.unregisterRingFd();
                }
                case 12, 13 -> { what = "buffer ring"; bufferRing(); }
                case 14 -> {
                    what = "syncCancel";
                    f.note(what + " -> " + reg.syncCancel(f.ledger.someUserData(in), in.oneIn(2) ? 0 : f.args.anyIntBiased(),
                            Duration.ofMillis(in.intIn(0, 3))));
                }
                case 15 -> {
                    what = "resizeRings";
                    int entries = in.oneIn(4) ? in.anyInt() : 1 << in.intIn(0, 7);
                    IoUringParams p = IoUringParams.create().flagsMask(in.oneIn(2) ? 0 : in.pick(
                            SetupFlag.CQSIZE.mask(), SetupFlag.CLAMP.mask(), SetupFlag.SQPOLL.mask()));
                    if (p.has(SetupFlag.CQSIZE)) p.cqEntries(in.intIn(0, 1024));
                    reg.resizeRings(entries, p);
                }
                case 16 -> {
                    what = "restrictions / enable";
                    if (in.bool()) reg.registerRestrictions(Restriction.allowSqeOp(in.pick(List.of(Opcode.values()))),
                            Restriction.allowSqeFlags(SqeFlag.IO_LINK));
                    else reg.enableRings();
                }
                case 17 -> { what = "registerClock"; reg.registerClock(in.pick(-1, 0, 1, 7, 1000)); }
                case 18 -> {
                    what = "cloneBuffersFrom";
                    if (f.peer != null && !f.peer.isClosed()) {
                        reg.cloneBuffersFrom(f.peer, count(), count(), count(), in.bool());
                    }
                }
                default -> { what = "setCqEventfdEnabled"; ring.setCqEventfdEnabled(in.bool()); }
            }
            f.note(what);
        } catch (RuntimeException e) {
            f.expected(e, what);
            f.note(what + " threw " + e.getMessage());
        }
    }

    /** Closes (unregisters, unmaps) the buffer rings still open, after the rings closed. */
    void closeBufferRings() {
        for (BufferRing br : bufferRings) br.close();
        bufferRings.clear();
    }

    private void bufferRing() {
        if (!bufferRings.isEmpty() && in.oneIn(3)) {
            BufferRing br = bufferRings.remove(in.intIn(0, bufferRings.size() - 1));
            br.close();
            f.note("closed buffer ring " + br.groupId());
            return;
        }
        int entries = in.oneIn(6) ? in.anyInt() : 1 << in.intIn(0, 5);
        BufferRing br = BufferRing.register(f.ring, entries, in.intIn(0, 3), in.oneIn(3) ? BufferRing.INCREMENTAL : 0);
        bufferRings.add(br);
        for (int i = in.intIn(0, Math.min(8, entries)); i > 0; i--) {
            f.mem.owner = "buffer ring " + br.groupId();
            br.add(f.mem.buffer(), in.intIn(0, 0xFFFF), in.intIn(0, br.entries() - 1));
        }
        br.advance(in.intIn(0, br.entries()));
        f.note("buffer ring " + br);
    }

    private int count() {
        return in.oneIn(6) ? f.args.anyIntBiased() : in.intIn(0, 8);
    }

    private int[] fdArray() {
        int[] fds = new int[in.oneIn(8) ? in.pick(0, 40000) : in.intIn(1, 8)];
        for (int i = 0; i < fds.length; i++) fds[i] = in.oneIn(3) ? Registration.FILE_SLOT_EMPTY : f.fds.fd(in);
        return fds;
    }

    private List<MemorySegment> buffers() {
        List<MemorySegment> out = new ArrayList<>();
        f.mem.owner = "registered buffers";
        for (int i = in.intIn(0, 4); i > 0; i--) {
            MemorySegment b = f.mem.buffer();
            out.add(in.oneIn(10) ? MemorySegment.ofArray(new byte[8]) : b);
        }
        return out;
    }
}
