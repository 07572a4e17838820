package io.uring4j.runtime;

import io.uring4j.runtime.ModelRun.Kind;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.uring4j.runtime.ModelCalls.NOT_DONE;
import static io.uring4j.runtime.ModelCalls.outcome;

/**
 * The file actions of {@link ModelRun}: a few files, each opened (and closed, and opened again)
 * through several {@link AsyncFile}s on random groups, read and written at random offsets in
 * every form (blocking, deadline, async, handler, vectored), given up in every way; every byte
 * read and the final content are checked against {@link FileModel}.
 */
final class ModelFiles {

    /** One AsyncFile of a file. */
    static final class Handle {
        final AsyncFile file;
        final ModelRun.Group group;
        final String name;
        volatile long closeStart = Long.MAX_VALUE;
        volatile boolean defaultTimeoutEver;

        Handle(AsyncFile file, ModelRun.Group group, String name) {
            this.file = file;
            this.group = group;
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A file and the handle actions use now. */
    static final class Slot {
        final FileModel model;
        volatile Handle current;
        final AtomicInteger opened = new AtomicInteger();

        Slot(FileModel model) {
            this.model = model;
        }
    }

    private final ModelRun run;
    private final List<Handle> handles = Collections.synchronizedList(new ArrayList<>());
    private final List<ModelTcp.Pending> pending = Collections.synchronizedList(new ArrayList<>());
    /** Write ids over every file of the run, so a byte in the wrong file names its write. */
    private final AtomicInteger ids = new AtomicInteger();
    private Slot[] slots;

    ModelFiles(ModelRun run) {
        this.run = run;
    }

    void setUp(Random r) throws Exception {
        run.mkdirs();
        slots = new Slot[run.profile.files()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(new FileModel(run.dir.resolve("file" + i), 4096 * (1 + r.nextInt(64))));
            open(slots[i], r, 0, i);
        }
    }

    private List<FileModel> models() {
        List<FileModel> m = new ArrayList<>();
        for (Slot s : slots) m.add(s.model);
        return m;
    }

    // ------------------------------------------------------------------ open, close, timeout

    void open(Random r, int worker) {
        int i = r.nextInt(slots.length);
        int mode = r.nextInt(run.profile.giveUps() > 0 ? 4 : 2);
        run.doing.set(worker, "open file" + i + " mode " + mode);
        if (slots[i].opened.get() >= 6) return;
        open(slots[i], r, mode, i);
    }

    /** Opens another handle of {@code s}: 0 blocking, 1 REGISTERED, 2 tiny deadline, 3 async cancelled. */
    private void open(Slot s, Random r, int mode, int index) {
        ModelRun.Group g = run.groups.get(r.nextInt(run.groups.size()));
        Duration tiny = Duration.ofNanos(1_000 + r.nextInt(1_000_000));
        long delay = r.nextInt(1_000_000);
        boolean mayInterrupt = r.nextBoolean();
        s.opened.incrementAndGet();
        OpenOption[] options = mode == 1 ? new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE, FileOpenOption.REGISTERED}
                : new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
        String what = "file-open file" + index + " on group " + g.index + " "
                + new String[] {"blocking", "registered", "tiny deadline " + tiny, "cancelled after " + delay / 1000 + " us"}[mode];
        Object o;
        boolean cancelled = false;
        if (mode <= 1) {
            o = ModelTcp.call(() -> AsyncFile.open(g.group, s.model.path, options));
        } else if (mode == 2) {
            o = ModelTcp.call(() -> AsyncFile.open(g.group, s.model.path, tiny, options));
        } else {
            CompletableFuture<AsyncFile> f = AsyncFile.openAsync(g.group.next(), s.model.path, options);
            ModelCalls.pause(delay);
            cancelled = f.cancel(mayInterrupt);
            o = outcome(f, 10_000);
            if (o == NOT_DONE) {
                run.violation(what + ": its future did not complete within 10 s");
                return;
            }
        }
        EnumSet<Kind> allowed = EnumSet.of(Kind.OK);
        if (mode == 2) allowed.add(Kind.TIMEOUT);
        if (cancelled) allowed.add(Kind.CANCEL);
        if (g.closingBy(run.tick())) allowed.addAll(EnumSet.of(Kind.LOOP_CLOSED, Kind.CLOSED, Kind.CANCEL));
        run.expect(what, o, allowed);
        if (o instanceof AsyncFile f) {
            Handle h = new Handle(f, g, "file" + index + "#" + s.opened.get());
            handles.add(h);
            s.current = h;
        }
    }

    void close(Random r, int worker) {
        Slot s = slots[r.nextInt(slots.length)];
        boolean interrupt = r.nextInt(3) == 0;
        long delay = r.nextInt(500_000);
        Handle h = s.current;
        if (h == null) return;
        run.doing.set(worker, "close " + h + (interrupt ? " interrupted" : ""));
        closeHandle(h, interrupt ? delay : -1);
    }

    private void closeHandle(Handle h, long interruptAfter) {
        h.closeStart = Math.min(h.closeStart, run.tick());
        ModelCalls.Interrupter.Token token = interruptAfter >= 0 ? run.interrupter.arm(interruptAfter) : null;
        Object o = ModelTcp.call(() -> {
            h.file.close();
            return null;
        });
        if (token != null) token.disarm();
        run.expect("file-close " + h, o, EnumSet.of(Kind.OK));
        if (h.file.isOpen()) run.violation("close " + h + " returned but the file is still open");
    }

    void timeout(Random r, int worker) {
        Handle h = slots[r.nextInt(slots.length)].current;
        Duration d = r.nextInt(3) == 0 ? null : Duration.ofMillis(1 + r.nextInt(200));
        if (h == null) return;
        if (d != null) h.defaultTimeoutEver = true;
        h.file.timeout(d);
        run.log("timeout " + h + " = " + d);
    }

    // ------------------------------------------------------------------ reads and writes

    /** How a transfer was made, for what it may end with. */
    private record Call(String how, boolean deadline, boolean interrupt, boolean cancelled, boolean orTimeout) {
    }

    void write(Random r, int worker) {
        transfer(r, worker, false);
    }

    void read(Random r, int worker) {
        transfer(r, worker, true);
    }

    /**
     * One read or write: 0 blocking, 1 tiny deadline, 2 interrupted, 3 cancelled, 4 orTimeout,
     * 5 async, 6 handler, 7 vectored, 8 left pending (writes) / deadline (reads).
     */
    private void transfer(Random r, int worker, boolean isRead) {
        Slot s = slots[r.nextInt(slots.length)];
        int size = s.model.size;
        int k = r.nextInt(10);
        int len = Math.min(size, k < 6 ? 1 + r.nextInt(512) : k < 9 ? 512 + r.nextInt(16 << 10) : 1 + r.nextInt(128 << 10));
        long offset = r.nextInt(size - len + 1);
        int mode = run.giveUp(r) ? 1 + r.nextInt(4) : new int[] {0, 5, 6, 7, 8}[r.nextInt(5)];
        long delay = r.nextInt(2_000_000);
        Duration tiny = run.deadline(r, true);
        boolean mayInterrupt = r.nextBoolean();
        int parts = 1 + r.nextInt(3);
        int slack = r.nextInt(4);
        boolean[] direct = {r.nextBoolean(), r.nextBoolean(), r.nextBoolean()};
        boolean followUp = r.nextBoolean();
        int len2 = Math.min(size, 1 + r.nextInt(4096));
        long offset2 = r.nextInt(size - len2 + 1);
        boolean direct2 = r.nextBoolean();
        Handle h = s.current;
        if (h == null) return;
        String how = new String[] {"blocking", "tiny deadline " + tiny, "interrupted after " + delay / 1000 + " us",
                "cancelled after " + delay / 1000 + " us", "orTimeout " + tiny, "async", "handler", "vectored in " + parts,
                isRead ? "deadline 1 s" : "left pending"}[mode];
        if (mode != 7) parts = 1;
        ByteBuffer[] bufs = buffers(len, parts, slack, direct);
        FileModel.Write w = null;
        if (!isRead) {
            w = s.model.newWrite(ids.incrementAndGet(), offset, len, "via " + h + " " + how);
            ByteBuffer all = ByteBuffer.allocate(len);
            FileModel.fill(w, all);
            int at = 0;
            for (ByteBuffer b : bufs) {
                int n = b.remaining();
                b.duplicate().put(all.slice(at, n));
                at += n;
            }
        }
        String what = (isRead ? "file-read " : "file-write ") + h + " [" + offset + ", " + (offset + len) + ") " + how;
        run.doing.set(worker, what);
        long issue = run.tick();
        if (w != null) w.issue = issue;
        AsyncFile f = h.file;
        ByteBuffer b = bufs[0];
        Object o;
        boolean cancelled = false;
        boolean blocking = mode <= 2 || (mode == 8 && isRead);
        if (blocking) {
            ModelCalls.Interrupter.Token token = mode == 2 ? run.interrupter.arm(delay) : null;
            Duration d = mode == 1 ? tiny : mode == 8 ? Duration.ofSeconds(1) : null;
            o = ModelTcp.call(() -> isRead ? (d == null ? f.read(b, offset) : f.read(b, offset, d))
                    : (d == null ? f.write(b, offset) : f.write(b, offset, d)));
            if (token != null) token.disarm();
        } else if (mode == 6) {
            CompletableFuture<Integer> cf = new CompletableFuture<>();
            CompletableFuture<Object> second = followUp ? new CompletableFuture<>() : null;
            CompletionHandler<Integer, Object> handler = new CompletionHandler<>() {
                @Override
                public void completed(Integer v, Object a) {
                    if (second != null) issueFromHandler(s, h, isRead, offset2, len2, direct2, slack, how, second);
                    cf.complete(v);
                }

                @Override
                public void failed(Throwable t, Object a) {
                    cf.completeExceptionally(t);
                }
            };
            if (isRead) f.read(b, offset, null, handler);
            else f.write(b, offset, null, handler);
            o = outcome(cf, 10_000);
            if (second != null && o instanceof Integer) {
                Object settled = outcome(second, 10_000);
                if (settled == NOT_DONE) run.violation(what + ": the request its handler made did not complete within 10 s");
            }
        } else {
            CompletableFuture<? extends Number> cf = mode == 7
                    ? (isRead ? f.readAsync(bufs, offset) : f.writeAsync(bufs, offset))
                    : (isRead ? f.readAsync(b, offset) : f.writeAsync(b, offset));
            if (mode == 3) {
                ModelCalls.pause(delay);
                cancelled = cf.cancel(mayInterrupt);
            } else if (mode == 4) {
                cf.orTimeout(tiny.toNanos(), TimeUnit.NANOSECONDS);
            }
            if (mode == 8) { // a write left pending: settled at the end
                FileModel.Write pw = w;
                pending.add(new ModelTcp.Pending(what, cf, x -> settle(s, h, pw, what, new Call(how, false, false, false, false),
                        bufs, slack, len, offset, issue, x, run.tick())));
                return;
            }
            o = outcome(cf, 10_000);
        }
        if (o == NOT_DONE) {
            run.violation(what + ": did not complete within 10 s");
            return;
        }
        settle(s, h, w, what, new Call(how, mode == 1 || mode == 8, mode == 2, cancelled, mode == 4), bufs, slack, len, offset, issue, o, run.tick());
    }

    /**
     * From a completion handler, on the loop thread (where a request starts at once): another
     * transfer of the same kind, settled in its own handler; {@code done} completes after that.
     */
    private void issueFromHandler(Slot s, Handle h, boolean isRead, long offset, int len, boolean direct, int slack, String how,
                                  CompletableFuture<Object> done) {
        ByteBuffer[] bufs = buffers(len, 1, slack, new boolean[] {direct});
        String what2 = (isRead ? "file-read " : "file-write ") + h + " [" + offset + ", " + (offset + len) + ") from the handler of " + how;
        FileModel.Write w = null;
        if (!isRead) {
            w = s.model.newWrite(ids.incrementAndGet(), offset, len, "via " + h + " from a handler");
            FileModel.fill(w, bufs[0].duplicate());
        }
        long issue = run.tick();
        if (w != null) w.issue = issue;
        FileModel.Write pw = w;
        CompletionHandler<Integer, Object> handler = new CompletionHandler<>() {
            @Override
            public void completed(Integer v, Object a) {
                settle(s, h, pw, what2, new Call(how, false, false, false, false), bufs, slack, len, offset, issue, v, run.tick());
                done.complete(v);
            }

            @Override
            public void failed(Throwable t, Object a) {
                settle(s, h, pw, what2, new Call(how, false, false, false, false), bufs, slack, len, offset, issue, t, run.tick());
                done.complete(t);
            }
        };
        if (isRead) h.file.read(bufs[0], offset, null, handler);
        else h.file.write(bufs[0], offset, null, handler);
    }

    /** {@code len} bytes of room in {@code parts} buffers (heap or direct), each from position {@code slack}. */
    private static ByteBuffer[] buffers(int len, int parts, int slack, boolean[] direct) {
        ByteBuffer[] bufs = new ByteBuffer[parts];
        int left = len;
        for (int i = 0; i < parts; i++) {
            int n = i == parts - 1 ? left : Math.max(0, Math.min(left, len / parts));
            left -= n;
            ByteBuffer b = direct[i] ? ByteBuffer.allocateDirect(slack + n + slack) : ByteBuffer.allocate(slack + n + slack);
            bufs[i] = b.limit(slack + n).position(slack);
        }
        return bufs;
    }

    /** Checks a transfer's outcome; a read's bytes go to the model, a write's end (known or not) too. */
    private void settle(Slot s, Handle h, FileModel.Write w, String what, Call c, ByteBuffer[] bufs, int slack, int len, long offset,
                        long issue, Object o, long done) {
        EnumSet<Kind> allowed = EnumSet.of(Kind.OK);
        if (c.deadline() || h.defaultTimeoutEver) allowed.add(Kind.TIMEOUT);
        if (c.interrupt()) allowed.add(Kind.INTERRUPT);
        if (c.cancelled()) allowed.add(Kind.CANCEL);
        if (c.orTimeout()) allowed.add(Kind.OR_TIMEOUT);
        if (h.closeStart < done || h.group.closingBy(done)) allowed.add(Kind.CLOSED);
        Kind k = run.expect(what, o, allowed);
        if (o instanceof Number n) {
            int count = n.intValue();
            if (count < 1 || count > len) {
                run.violation(what + " returned " + count + " (" + len + " B asked inside a " + s.model.size + " B file)");
                if (w != null) w.end = done;
                return;
            }
            int total = 0;
            byte[] data = new byte[count];
            for (ByteBuffer b : bufs) {
                int room = b.limit() - slack;
                int got = Math.min(room, count - total);
                if (b.position() != slack + got) {
                    run.violation(what + ": a buffer's position is " + b.position() + " after " + got + " B from " + slack);
                }
                if (w == null) b.get(slack, data, total, got);
                total += got;
            }
            if (w == null) {
                s.model.read(offset, data, issue, done, what);
            } else {
                w.written = count;
                w.end = done;
            }
            return;
        }
        if (w != null) {
            boolean unknownEnd = (k == Kind.CANCEL && c.cancelled()) || k == Kind.OR_TIMEOUT || k == Kind.INTERRUPT;
            if (!unknownEnd) w.end = done;
        }
    }

    // ------------------------------------------------------------------ the end

    void finish() {
        for (Handle h : List.copyOf(handles)) {
            if (h.file.isOpen()) closeHandle(h, -1);
        }
    }

    void awaitPending() {
        for (ModelTcp.Pending p : List.copyOf(pending)) {
            Object o = outcome(p.future(), 10_000);
            if (o == NOT_DONE) run.violation(p.what() + ": its future never completed");
            else p.settle().accept(o);
        }
    }

    /** Bytes read and checked (recorded reads plus the final content), and writes made. */
    long[] figures() {
        long read = 0, writes = 0;
        for (Slot s : slots) {
            read += s.model.bytesRead() + s.model.size;
            writes += s.model.writeCount();
        }
        return new long[] {read, writes};
    }

    void check(long now) throws java.io.IOException {
        List<FileModel> all = models();
        for (FileModel m : all) m.check(run::violation, now, all);
    }
}
