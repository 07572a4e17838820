package io.uring4j.core;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Accounts for the CQEs of one fuzz scenario. Every SQE the harness prepares gets a user_data of
 * its own ({@link #TAG} | sequence number); the ledger checks each CQE against it as it is reaped
 * and, once the ring is drained, that every SQE the kernel consumed got exactly one final CQE
 * (one without IORING_CQE_F_MORE; SEND_ZC's notification is the final one), or at most one with
 * IOSQE_CQE_SKIP_SUCCESS. MSG_RING data carries {@link #MSG} | the sender's number, so a message
 * CQE is known too, and is delivered at most once. A poll update that renames its target gets
 * a fresh number registered as an alias of the target.
 */
final class CqeLedger {
    static final long TAG = 0x5A5AL << 48;
    static final long MSG = 0x4D53L << 48;
    private static final long PREFIX = 0xFFFFL << 48;

    /** What is known about one SQE. */
    static final class Entry {
        final long userData;
        final String what;
        final Opcode op;
        int sqeFlags;
        int terminal;
        int more;
        int lastRes;
        int lastTerminalRes;
        boolean notified;
        /** The SQE before this one in its link chain (it had IOSQE_IO_LINK or IO_HARDLINK), or null. */
        Entry chainPrev;
        final StringBuilder history = new StringBuilder();
        boolean returnsFd;
        MemorySegment pipeFds;

        Entry(long userData, String what, Opcode op) {
            this.userData = userData;
            this.what = what;
            this.op = op;
        }

        boolean skipSuccess() {
            return (sqeFlags & SqeFlag.CQE_SKIP_SUCCESS.mask()) != 0;
        }

        @Override
        public String toString() {
            return "#" + (userData & ~PREFIX) + " " + what + " flags=0x" + Integer.toHexString(sqeFlags)
                    + " (" + terminal + " final, " + more + " more CQEs: " + history + ")";
        }
    }

    private final List<Entry> prepared = new ArrayList<>();
    private final Map<Long, Entry> byUserData = new HashMap<>();
    private final Map<Long, Integer> messages = new HashMap<>();
    private final String scenario;
    private long next = 1;
    private long reserved;
    private long lastTarget;
    int cqes;

    CqeLedger(String scenario) {
        this.scenario = scenario;
    }

    /** The user_data of the SQE being built now (MSG_RING tags and aliases refer to it). */
    long reserve() {
        reserved = TAG | next++;
        return reserved;
    }

    Entry prepared(long userData, String what, Opcode op, int sqeFlags) {
        Entry e = new Entry(userData, what, op);
        e.sqeFlags = sqeFlags;
        Entry prev = prepared.isEmpty() ? null : prepared.getLast();
        if (prev != null && (prev.sqeFlags & (SqeFlag.IO_LINK.mask() | SqeFlag.IO_HARDLINK.mask())) != 0) e.chainPrev = prev;
        prepared.add(e);
        byUserData.put(userData, e);
        return e;
    }

    /** The SQE prepared last got more flags (IO_LINK for a linked timeout). */
    void addFlagsToLast(int sqeFlags) {
        prepared.getLast().sqeFlags |= sqeFlags;
    }

    int preparedCount() {
        return prepared.size();
    }

    /** A user_data a cancel or remove may aim at: one issued, or anything. */
    long someUserData(FuzzInput in) {
        lastTarget = prepared.isEmpty() || in.oneIn(4) ? in.pick(java.util.List.of(0L, in.anyLong(), TAG | next + 5))
                : prepared.get(in.intIn(0, prepared.size() - 1)).userData;
        return lastTarget;
    }

    /** A fresh user_data that stands for the last target from now on (a poll update may rename it). */
    long aliasUserData(FuzzInput in) {
        long alias = TAG | next++;
        Entry target = byUserData.get(lastTarget);
        if (target != null) byUserData.put(alias, target);
        return alias;
    }

    long messageTag() {
        return MSG | (reserved & ~PREFIX);
    }

    /** Checks one CQE; returns its SQE's entry (null for a message). */
    Entry completion(long userData, int res, int flags) {
        cqes++;
        if ((userData & PREFIX) == MSG) {
            int n = messages.merge(userData, 1, Integer::sum);
            if (n > 1) {
                throw new AssertionError(scenario + ": MSG_RING message 0x" + Long.toHexString(userData) + " delivered " + n + " times");
            }
            return null;
        }
        Entry e = byUserData.get(userData);
        if (e == null) {
            throw new AssertionError(scenario + ": CQE for a user_data no SQE had: 0x" + Long.toHexString(userData)
                    + " res " + res + " flags 0x" + Integer.toHexString(flags));
        }
        e.lastRes = res;
        if (e.history.length() < 200) e.history.append(" [res ").append(res).append(" flags 0x").append(Integer.toHexString(flags)).append(']');
        if (e.terminal > 0 && (flags & CqeFlag.NOTIF.mask()) != 0 && e.lastTerminalRes < 0
                && (e.op == Opcode.SEND_ZC || e.op == Opcode.SENDMSG_ZC) && !e.notified) {
            // Seen on 6.18: a zero-copy send that fails (-ECANCELED, -EINVAL, ...) completes without
            // F_MORE, and its notification still follows (KnownFindings.K1_ZC_NOTIF_AFTER_FAILURE).
            e.notified = true;
            KnownFindings.met(KnownFindings.K1_ZC_NOTIF_AFTER_FAILURE, scenario + ": " + e);
            return e;
        }
        if (e.terminal > 0) {
            throw new AssertionError(scenario + ": CQE after the final one (res " + res + ", flags 0x" + Integer.toHexString(flags)
                    + ") for " + e);
        }
        if ((flags & CqeFlag.MORE.mask()) != 0) {
            e.more++;
        } else {
            e.terminal++;
            e.lastTerminalRes = res;
        }
        return e;
    }

    /** Whether every consumed SQE that must get a final CQE has it. */
    boolean settled(int consumed) {
        return missing(consumed).isEmpty();
    }

    List<Entry> missing(int consumed) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < Math.min(consumed, prepared.size()); i++) {
            Entry e = prepared.get(i);
            if (e.terminal == 0 && !e.skipSuccess() && !cancelledSilently(e)) out.add(e);
        }
        return out;
    }

    /**
     * A link member after one with IOSQE_CQE_SKIP_SUCCESS: when the chain fails there, the kernel
     * cancels the rest without posting their CQEs (REQ_F_SKIP_LINK_CQES), by design.
     */
    private static boolean cancelledSilently(Entry e) {
        for (Entry p = e.chainPrev; p != null; p = p.chainPrev) {
            if (p.skipSuccess()) return true;
        }
        return false;
    }

    /**
     * After the drain: no SQE the kernel never consumed got a CQE (else AssertionError); returns
     * what is wrong if a consumed SQE has no final CQE (less what the kernel reports it dropped
     * on overflow), else null.
     */
    String checkDrained(int consumed, int overflowDropped, String state) {
        List<Entry> missing = missing(consumed);
        String problem = null;
        if (missing.size() > overflowDropped) {
            problem = scenario + ": " + missing.size() + " consumed SQEs have no final CQE after the drain (" + overflowDropped
                    + " CQEs dropped on overflow; " + state + "): " + missing.subList(0, Math.min(8, missing.size()));
        }
        for (int i = consumed; i < prepared.size(); i++) {
            Entry e = prepared.get(i);
            if (e.terminal + e.more > 0) {
                throw new AssertionError(scenario + ": CQE for an SQE the kernel has not consumed (" + consumed + " of "
                        + prepared.size() + "): " + e);
            }
        }
        return problem;
    }
}
