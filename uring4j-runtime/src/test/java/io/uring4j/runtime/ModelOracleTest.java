package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The oracles of {@link RuntimeModelTest} on made-up histories: each kind of defect the model
 * claims to catch is caught, and what the runtime may legally do is not flagged.
 */
class ModelOracleTest {
    /** A write of {@code payload} bytes whose call ran from tick {@code start} to {@code called}, completed or failed. */
    private static StreamModel.Write write(StreamModel m, int payload, long start, long called, boolean ok) {
        StreamModel.Write w = m.newWrite(payload, "test");
        w.start = start;
        w.called = called;
        w.done = called + 1;
        w.outcome = ok ? (Object) w.frameLength() : new java.nio.channels.AsynchronousCloseException();
        return w;
    }

    private static void deliver(StreamModel m, StreamModel.Write w, int bytes) {
        ByteBuffer b = StreamModel.frame(w, false, 0);
        m.received(b, 0, Math.min(bytes, w.frameLength()));
    }

    private static List<String> check(StreamModel m) {
        List<String> v = new ArrayList<>();
        m.check(v::add);
        return v;
    }

    @Test
    void aWholeStreamInOrderPasses() {
        StreamModel m = new StreamModel("t");
        StreamModel.Write a = write(m, 100, 1, 2, true), b = write(m, 0, 3, 4, true);
        deliver(m, a, Integer.MAX_VALUE);
        deliver(m, b, Integer.MAX_VALUE);
        m.peerEnd(10);
        assertEquals(List.of(), check(m));
    }

    @Test
    void writesWhoseCallsOverlapMayArriveInEitherOrder() {
        StreamModel m = new StreamModel("t");
        StreamModel.Write a = write(m, 10, 1, 5, true), b = write(m, 10, 2, 6, true);
        deliver(m, b, Integer.MAX_VALUE);
        deliver(m, a, Integer.MAX_VALUE);
        m.peerEnd(10);
        assertEquals(List.of(), check(m));
    }

    @Test
    void aWrongByteIsNamedByItsOffset() {
        StreamModel m = new StreamModel("t");
        StreamModel.Write a = write(m, 100, 1, 2, true);
        ByteBuffer f = StreamModel.frame(a, false, 0);
        f.put(StreamModel.HEADER + 40, (byte) (f.get(StreamModel.HEADER + 40) + 1));
        m.received(f, 0, f.remaining());
        List<String> v = check(m);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("stream offset " + (StreamModel.HEADER + 40)), v.get(0));
    }

    @Test
    void aWriteDeliveredTwiceIsCaught() {
        StreamModel m = new StreamModel("t");
        StreamModel.Write a = write(m, 5, 1, 2, true);
        deliver(m, a, Integer.MAX_VALUE);
        deliver(m, a, Integer.MAX_VALUE);
        assertTrue(check(m).get(0).contains("arrived twice"));
    }

    @Test
    void aWriteOvertakenByALaterCallIsCaught() {
        StreamModel m = new StreamModel("t");
        StreamModel.Write a = write(m, 5, 1, 2, true), b = write(m, 5, 3, 4, true);
        deliver(m, b, Integer.MAX_VALUE);
        deliver(m, a, Integer.MAX_VALUE);
        assertTrue(check(m).get(0).contains("arrived after"), check(m).toString());
        b.onLoop = true;
        assertTrue(check(m).get(0).contains("arrived after"), "a loop-thread write is held to the same order");
    }

    @Test
    void aCleanEndMustFollowEveryCompletedWriteAndWholeFrames() {
        StreamModel m = new StreamModel("t");
        StreamModel.Write a = write(m, 50, 1, 2, true), b = write(m, 50, 3, 4, true);
        deliver(m, a, Integer.MAX_VALUE);
        deliver(m, b, 20); // cut inside b's frame
        assertEquals(List.of(), check(m), "without a clean end a prefix is all one may expect");
        m.peerEnd(10);
        List<String> v = check(m);
        assertTrue(v.stream().anyMatch(s -> s.contains("clean end of stream came after")), v.toString());
        assertTrue(v.stream().anyMatch(s -> s.contains("completed, but the reader got a clean end")), v.toString());
        m.readerSendReset(5); // the reader's own send took a reset before the end was read: still a violation
        assertEquals(v, check(m), "a reset a send saw must still reach the reads");
    }

    @Test
    void nothingOfAWriteBegunAfterAGiveUpMayArrive() {
        StreamModel m = new StreamModel("t");
        StreamModel.Write a = write(m, 5, 1, 2, false);
        m.givenUp(3, true);
        StreamModel.Write b = write(m, 5, 4, 5, false);
        deliver(m, a, Integer.MAX_VALUE);
        assertEquals(List.of(), check(m));
        deliver(m, b, StreamModel.HEADER + 2);
        assertTrue(check(m).get(0).contains("begun after a write was given up"), check(m).toString());
    }

    @Test
    void aFailedWriteMayBeMissingOrCutAndAPendingOneIsReported() {
        StreamModel m = new StreamModel("t");
        StreamModel.Write a = write(m, 5, 1, 2, false);
        deliver(m, a, 7);
        assertEquals(List.of(), check(m));
        m.newWrite(1, "never settled").start = 9;
        assertTrue(check(m).get(0).contains("never completed"));
    }

    @Test
    void anFdLeftOpenIsNamedAndClosingItRestoresTheBaseline() throws Exception {
        ModelCalls.warmUpJdkFds();
        java.util.Map<Integer, String> before = ModelCalls.fds();
        java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        try {
            String named = ModelCalls.newFds(before, ModelCalls.fds());
            assertFalse(named.isEmpty(), "an open pipe shows as new fds");
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
        assertEquals("", ModelCalls.newFds(before, ModelCalls.fds()), "closed: back to the baseline");
    }

    // ------------------------------------------------------------------ files

    private static FileModel.Write fileWrite(FileModel m, int id, long offset, int length, long issue, long end, boolean ok) {
        FileModel.Write w = m.newWrite(id, offset, length, "test");
        w.issue = issue;
        w.end = end;
        if (ok) w.written = length;
        return w;
    }

    private static byte[] content(int id, long offset, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = FileModel.value(id, offset + i);
        return b;
    }

    private static List<String> check(FileModel m) throws Exception {
        List<String> v = new ArrayList<>();
        m.check(v::add, 1000, List.of(m));
        return v;
    }

    @Test
    void aReadAfterAWriteCompletedSeesItAndNotTheOldBytes(@TempDir Path dir) throws Exception {
        FileModel m = new FileModel(dir.resolve("f"), 4096);
        fileWrite(m, 1, 100, 50, 10, 20, true);
        m.read(100, content(1, 100, 50), 30, 31, "after");
        m.read(100, content(0, 100, 50), 30, 31, "stale");
        List<String> v = check(m);
        assertTrue(v.stream().anyMatch(s -> s.contains("stale") && s.contains("byte at offset 100")), v.toString());
    }

    @Test
    void aReadBesideAWriteInFlightMaySeeEitherPerByte(@TempDir Path dir) throws Exception {
        FileModel m = new FileModel(dir.resolve("f"), 4096);
        fileWrite(m, 1, 0, 10, 10, 20, true);
        byte[] mixed = content(0, 0, 10);
        System.arraycopy(content(1, 0, 5), 0, mixed, 0, 5);
        m.read(0, mixed, 15, 16, "during");
        Files.write(m.path, withWrite(m, 1, 0, 10));
        assertEquals(List.of(), check(m));
    }

    @Test
    void aCancelledWriteMayLandLaterEvenOverALaterWrite(@TempDir Path dir) throws Exception {
        FileModel m = new FileModel(dir.resolve("f"), 4096);
        fileWrite(m, 1, 0, 10, 10, Long.MAX_VALUE, false); // cancelled: its end in the kernel is unknown
        fileWrite(m, 2, 0, 10, 30, 40, true);
        m.read(0, content(1, 0, 10), 50, 51, "the cancelled write landed after write 2");
        Files.write(m.path, withWrite(m, 1, 0, 10));
        assertEquals(List.of(), check(m));
        FileModel n = new FileModel(dir.resolve("g"), 4096);
        fileWrite(n, 1, 0, 10, 10, 20, false); // failed at its completion (tick 20): over once write 2 began
        fileWrite(n, 2, 0, 10, 30, 40, true);
        n.read(0, content(1, 0, 10), 50, 51, "a write that ended before write 2 began");
        Files.write(n.path, withWrite(n, 2, 0, 10));
        List<String> v = check(n);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("a write that ended before write 2 began"), v.get(0));
    }

    @Test
    void aByteOfAnotherFilesWriteIsTracedToIt(@TempDir Path dir) throws Exception {
        FileModel a = new FileModel(dir.resolve("a"), 4096), b = new FileModel(dir.resolve("b"), 4096);
        fileWrite(a, 7, 200, 16, 10, 20, true);
        Files.write(a.path, withWrite(a, 7, 200, 16));
        Files.write(b.path, withWrite(b, 7, 200, 16)); // as if write 7 had reached file b
        List<String> v = new ArrayList<>();
        b.check(v::add, 1000, List.of(a, b));
        assertFalse(v.isEmpty());
        assertTrue(v.get(0).contains("final content") && v.get(0).contains("matches write 7"), v.get(0));
    }

    /** The file's initial content with write {@code id}'s bytes at [offset, offset + length). */
    private static byte[] withWrite(FileModel m, int id, long offset, int length) {
        byte[] b = content(0, 0, m.size);
        System.arraycopy(content(id, offset, length), 0, b, (int) offset, length);
        return b;
    }
}
