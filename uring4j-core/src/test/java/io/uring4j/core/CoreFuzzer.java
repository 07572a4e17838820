package io.uring4j.core;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One fuzz scenario over core: a ring set up at random ({@link FuzzSetup}), then a random
 * sequence of prep helpers with random arguments ({@link FuzzArgs}) and setters, links,
 * registrations, submit / wait / peek / advance, and a close at any point; then a drain
 * (cancel everything, reap with a deadline) unless the ring was closed on the way.
 *
 * <p>The oracle, after every reaped batch and at the end: no guard byte changed and no read-only
 * segment was written ({@link GuardedMemory}); every CQE belongs to an SQE and none comes after
 * its final one, and after the drain every consumed SQE has its final CQE ({@link CqeLedger});
 * a segment the API must refuse (heap, closed arena, a string without NUL) was refused; every
 * exception is one of the documented types with a message ({@link #expected}). The JVM being
 * alive is the fuzzer's own check. Violations are {@link AssertionError}s naming the scenario
 * and its last actions.
 */
final class CoreFuzzer {
    /** Every @Prep helper, in a stable order (so an input replays the same calls). */
    static final List<Method> HELPERS = OpcodeCoverageTest.prepHelpers().stream()
            .sorted(Comparator.comparing(Method::toGenericString)).toList();
    private static final Duration DRAIN = Duration.ofSeconds(1);

    /** Totals over the JVM's scenarios, for the run summary. */
    static long scenarios, sqes, cqes, refusals, setupRefusals;

    final FuzzInput in;
    final String name;
    final GuardedMemory mem;
    final FuzzFds fds;
    final CqeLedger ledger;
    final FuzzArgs args;
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    IoUring ring, peer;
    private FuzzSetup setup;
    /** The ring lives in caller memory (openInMemory): views of it stay readable after close (finding F1). */
    boolean callerMemory;
    private Sqe staleSqe;
    private Cqe staleCqe;
    private final Cqe[] batch = new Cqe[16];
    private int cancels;

    private CoreFuzzer(FuzzInput in) {
        this.in = in;
        this.name = "scenario " + scenarios++;
        this.mem = new GuardedMemory(in, name);
        this.fds = new FuzzFds(in);
        this.ledger = new CqeLedger(name);
        this.args = new FuzzArgs(in, mem, fds, ledger);
    }

    /** Runs one scenario from {@code in}; throws {@link AssertionError} on a violation. */
    static void run(FuzzInput in) {
        CoreFuzzer f = new CoreFuzzer(in);
        try {
            f.scenario();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n  last actions of " + f.name + ":\n    " + String.join("\n    ", f.trace), e);
        } finally {
            f.cleanUp();
        }
    }

    private void scenario() {
        setup = new FuzzSetup(this);
        ring = setup.openRing();
        if (ring == null) return;
        args.selfRingFd = ring.fd();
        args.peerRingFd = peer != null ? peer.fd() : -1;
        int steps = in.intIn(1, 48);
        for (int step = 0; step < steps && !in.exhausted() && !ring.isClosed(); step++) {
            int a = in.intIn(0, 99);
            if (a < 45) prep(in.pick(HELPERS));
            else if (a < 50) linkedTimeout();
            else if (a < 62) submit();
            else if (a < 76) reap();
            else if (a < 89) setup.registration();
            else if (a < 93) queries();
            else if (a < 96) closeAbruptly();
        }
        if (!ring.isClosed()) drain();
        closeRings();
        mem.checkGuards("after the rings closed");
    }

    void note(String action) {
        if (trace.size() == 80) trace.removeFirst();
        trace.addLast(action);
    }

    // ---------------------------------------------------------------- requests

    private void prep(Method helper) {
        Sqe sqe = sqe();
        if (sqe == null) return;
        long ud = ledger.reserve();
        mem.owner = "#" + (ud & 0xFFFF_FFFFL) + " " + helper.getName();
        FuzzArgs.Call call;
        try {
            call = args.call(helper);
        } catch (RuntimeException e) { // a core builder (Iovecs, Msghdr, ...) refused an argument
            expected(e, "building arguments for " + helper.getName());
            neutralize(sqe, ud, helper.getName() + " (arguments refused)");
            return;
        }
        try {
            helper.invoke(sqe, call.args());
        } catch (InvocationTargetException e) {
            note("#" + (ud & 0xFFFF_FFFFL) + " " + call.text() + " refused: " + e.getCause().getMessage());
            expected(e.getCause(), call.text());
            refusals++;
            neutralize(sqe, ud, call.text() + " (refused)");
            return;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        if (call.mustRefuse() != null) {
            neutralize(sqe, ud, call.text()); // the kernel never sees it
            String violation = name + ": " + call.text() + " was accepted although " + call.mustRefuse();
            throw new AssertionError(violation + " (the kernel would get its address)");
        }
        setters(sqe, call);
        sqe.userData(ud);
        note("#" + (ud & 0xFFFF_FFFFL) + " " + call.text() + (sqe.flagsMask() != 0 ? " sqe flags 0x" + Integer.toHexString(sqe.flagsMask()) : ""));
        Opcode op = helper.getAnnotation(Prep.class).value();
        CqeLedger.Entry e = ledger.prepared(ud, call.text(), op, sqe.flagsMask());
        boolean direct = helper.getName().contains("Direct");
        e.returnsFd = !direct && (op == Opcode.OPENAT || op == Opcode.OPENAT2 || op == Opcode.ACCEPT
                || op == Opcode.SOCKET || op == Opcode.FIXED_FD_INSTALL);
        if (!direct && op == Opcode.PIPE && call.args()[0] instanceof MemorySegment s && s.isNative() && s.byteSize() >= 8) {
            e.pipeFds = s;
        }
        sqes++;
        staleSqe = sqe;
    }

    /** The optional fields, set at random after the helper (never the raw field setters). */
    private void setters(Sqe sqe, FuzzArgs.Call call) {
        for (int n = in.intIn(0, 3); n > 0; n--) {
            try {
                switch (in.intIn(0, 8)) {
                    case 0, 1 -> sqe.flag(in.pick(List.of(SqeFlag.values())));
                    case 2 -> sqe.flags(in.oneIn(8) ? in.anyInt() : in.intIn(0, 0xFF));
                    case 3 -> sqe.ioprio(args.anyIntBiased());
                    case 4 -> sqe.opFlags(args.anyIntBiased());
                    case 5 -> sqe.bufIndex(in.oneIn(2) ? in.intIn(0, 8) : args.anyIntBiased());
                    case 6 -> sqe.personality(in.intIn(0, 3));
                    case 7 -> {
                        if (call.fdFieldRole() != null) sqe.fd(args.fdFieldValue(call));
                    }
                    default -> {
                        if (call.fdFieldRole() == FuzzArgs.Role.FD) sqe.fixedFile(in.oneIn(4) ? args.anyIntBiased() : in.intIn(0, 16));
                    }
                }
            } catch (RuntimeException e) {
                expected(e, "a setter after " + call.text());
            }
        }
    }

    /** A request whose helper threw still holds its SQE: make it a NOP the ledger knows. */
    private void neutralize(Sqe sqe, long ud, String what) {
        sqe.prepNop().flags(0).opFlags(0).ioprio(0).bufIndex(0).personality(0).userData(ud);
        ledger.prepared(ud, "NOP for " + what, Opcode.NOP, 0);
        sqes++;
    }

    private void linkedTimeout() {
        Sqe prev = staleSqe;
        if (prev == null || ledger.preparedCount() == 0) return;
        prep(in.pick(HELPERS));
        Sqe head = staleSqe;
        if (head == null || ring.isClosed()) return;
        try {
            head.flag(SqeFlag.IO_LINK);
            ledger.addFlagsToLast(SqeFlag.IO_LINK.mask());
        } catch (RuntimeException e) {
            expected(e, "IO_LINK on the head");
            return;
        }
        Method lt = HELPERS.stream().filter(m -> m.getName().equals("prepLinkTimeout")).findFirst().orElseThrow();
        prep(lt);
    }

    private Sqe sqe() {
        Sqe sqe = ring.getSqe();
        if (sqe == null) {
            submit();
            if (ring.isClosed()) return null;
            sqe = ring.getSqe();
        }
        return sqe;
    }

    // ---------------------------------------------------------------- submit and reap

    private void submit() {
        try {
            switch (in.intIn(0, 3)) {
                case 0, 1 -> note("submit -> " + ring.submit());
                case 2 -> note("submitAndWait(1, 1ms) -> " + ring.submitAndWait(1, Duration.ofMillis(1)));
                default -> note("submitAndWait(" + 2 + ", 2ms, min 100us) -> "
                        + ring.submitAndWait(2, Duration.ofMillis(2), ring.hasFeature(Feature.MIN_TIMEOUT) ? 100 : 0));
            }
        } catch (RuntimeException e) {
            expected(e, "submit");
            note("submit threw " + e);
        }
    }

    private void reap() {
        try {
            switch (in.intIn(0, 4)) {
                case 0 -> {
                    Cqe c = ring.peekCqe();
                    if (c != null) {
                        take(c);
                        ring.cqeSeen(c);
                    }
                }
                case 1 -> {
                    int n = ring.peekBatch(batch);
                    int k = in.intIn(0, n);
                    for (int i = 0; i < k; i++) take(batch[i]);
                    ring.cqAdvance(k);
                    if (in.oneIn(8)) {
                        try {
                            ring.cqAdvance(in.pick(-1, ring.cqReady() + 1));
                            throw new AssertionError(name + ": cqAdvance past the ready CQEs was accepted");
                        } catch (IllegalArgumentException e) {
                            expected(e, "cqAdvance out of range");
                        }
                    }
                }
                case 2 -> ring.forEachCqe(this::take);
                case 3 -> {
                    Cqe c = ring.waitCqe(Duration.ofMillis(in.pick(0, 1, 3)));
                    if (c != null) {
                        take(c);
                        ring.cqeSeen(c);
                    }
                }
                default -> {
                    Cqe c = ring.waitCqes(in.intIn(1, 4), Duration.ofMillis(2));
                    if (c != null) {
                        take(c);
                        ring.cqeSeen(c);
                    }
                }
            }
        } catch (RuntimeException e) {
            expected(e, "reap");
        }
        mem.checkGuards("after reaping");
    }

    /** One CQE: into the ledger; an fd it returns becomes the scenario's to close. */
    private void take(Cqe c) {
        long ud = c.userData();
        int res = c.res(), flags = c.flags();
        staleCqe = c;
        cqes++;
        note("  cqe " + ((ud & CqeLedger.MSG) == CqeLedger.MSG ? "msg " : "#") + (ud & 0xFFFF_FFFFL) + " res " + res
                + (flags != 0 ? " flags 0x" + Integer.toHexString(flags) : ""));
        CqeLedger.Entry e = ledger.completion(ud, res, flags);
        if (e == null) return;
        if (e.returnsFd && res >= 0) fds.returned(res);
        if (e.pipeFds != null && res == 0 && (flags & CqeFlag.MORE.mask()) == 0) {
            fds.returned(e.pipeFds.get(JAVA_INT, 0));
            fds.returned(e.pipeFds.get(JAVA_INT, 4));
        }
    }

    private void queries() {
        try {
            note("queries: sqReady " + ring.sqReady() + " space " + ring.sqSpaceLeft() + " cqReady " + ring.cqReady()
                    + " overflow " + ring.cqOverflow() + " pending " + ring.cqHasOverflowPending() + " dropped " + ring.sqDropped());
        } catch (RuntimeException e) {
            expected(e, "queries");
        }
    }

    // ---------------------------------------------------------------- the end

    /** Cancels everything still in flight and reaps until every consumed SQE is accounted for. */
    private void drain() {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        cancels = 0;
        while (true) {
            try {
                ring.submit();
            } catch (RuntimeException e) {
                expected(e, "submit in the drain");
            }
            int consumed = ledger.preparedCount() - ring.sqReady();
            if (ledger.settled(consumed) || System.nanoTime() > deadline) break;
            int reaped = 0;
            try {
                reaped = ring.forEachCqe(this::take);
                if (reaped == 0) {
                    if (cancels < 4 && ring.sqSpaceLeft() > 0) {
                        cancels++;
                        long ud = ledger.reserve();
                        ring.getSqe().prepCancel(0, CancelFlags.ANY | CancelFlags.ALL).userData(ud);
                        ledger.prepared(ud, "drain: cancel any, all", Opcode.ASYNC_CANCEL, 0);
                        continue;
                    }
                    Cqe c = ring.waitCqe(Duration.ofMillis(5));
                    if (c != null) {
                        take(c);
                        ring.cqeSeen(c);
                    }
                }
            } catch (RuntimeException e) {
                expected(e, "reap in the drain");
            }
        }
        mem.checkGuards("after the drain");
        int consumed = ledger.preparedCount() - ring.sqReady();
        String missing = ledger.checkDrained(consumed, ring.cqOverflow(), "setup 0x" + Integer.toHexString(ring.setupFlags()) + ", "
                + cancels + " cancel-alls, sqReady " + ring.sqReady() + ", cqReady " + ring.cqReady()
                + (ring.hasSetupFlag(SetupFlag.SQPOLL) ? ", SQ thread asleep " + ring.sqNeedsWakeup() : ""));
        if (missing != null) {
            KnownFindings.met(KnownFindings.K2_NO_FINAL_CQE_AFTER_DRAIN, missing + "\n  last actions:\n    " + String.join("\n    ", trace));
        }
    }

    private void closeAbruptly() {
        note("close the ring with " + (ledger.preparedCount() - ring.sqReady()) + " SQEs consumed, " + ring.cqReady() + " CQEs ready");
        ring.close();
        // Everything on a closed ring throws IllegalStateException, stale views included.
        mustThrowClosed("getSqe", () -> ring.getSqe());
        mustThrowClosed("submit", () -> ring.submit());
        mustThrowClosed("peekCqe", () -> ring.peekCqe());
        mustThrowClosed("registration", () -> ring.registration());
        if (staleSqe != null) mustThrowClosed("a prep helper on a stale SQE view", () -> staleSqe.prepNop());
        if (staleCqe != null) mustThrowClosed("a stale CQE view", () -> staleCqe.res());
    }

    private void mustThrowClosed(String what, Runnable r) {
        try {
            r.run();
        } catch (IllegalStateException e) {
            expected(e, what + " after close");
            return;
        }
        throw new AssertionError(name + ": " + what + " on a closed ring did not throw IllegalStateException");
    }

    private void closeRings() {
        if (ring != null) ring.close();
        if (peer != null && !peer.isClosed()) {
            try {
                peer.forEachCqe(c -> ledger.completion(c.userData(), c.res(), c.flags()));
            } catch (RuntimeException e) {
                expected(e, "reaping the peer ring");
            }
            peer.close();
        }
    }

    private void cleanUp() {
        try {
            if (ring != null) ring.close();
            if (peer != null) peer.close();
            if (setup != null) setup.closeBufferRings();
        } finally {
            fds.close();
            mem.retire("  last actions:\n    " + String.join("\n    ", trace));
        }
    }

    /**
     * The oracle for exceptions: one of the documented types (IllegalArgumentException,
     * IndexOutOfBoundsException, IllegalStateException, UnsupportedOperationException,
     * IoUringException) with a message; anything else is a violation.
     */
    void expected(Throwable t, String during) {
        boolean documented = t instanceof IllegalArgumentException || t instanceof IndexOutOfBoundsException
                || t instanceof IllegalStateException || t instanceof UnsupportedOperationException
                || t instanceof IoUringException;
        if (!documented || t.getMessage() == null || t.getMessage().isBlank()) {
            throw new AssertionError(name + ": " + during + " threw " + t + (documented ? " without a message" : ", not a documented type"), t);
        }
    }
}
