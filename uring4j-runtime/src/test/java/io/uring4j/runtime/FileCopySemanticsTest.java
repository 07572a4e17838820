package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.uring4j.runtime.FileCopyTest.names;
import static io.uring4j.runtime.FileCopyTest.openFds;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 9 item 3: {@link AsyncFile#copy} has the semantics of {@code Files.copy}: the same file
 * is left alone, a target is replaced only when asked, the source is never truncated, sources are
 * read until end of file whatever their size says, holes stay holes, a deadline or an interrupt
 * ends the copy without leaving a target.
 */
@Timeout(60)
class FileCopySemanticsTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    private static final String PRECIOUS = "precious data, one copy only\n";

    private static long copy(Path from, Path to, CopyOption... options) throws Exception {
        return AsyncFiles.copy(loops.group(), from, to, options);
    }

    private static Path precious(Path dir) throws Exception {
        return Files.writeString(dir.resolve("f"), PRECIOUS);
    }

    @ParameterizedTest(name = "REPLACE_EXISTING {0}")
    @ValueSource(booleans = {false, true})
    void theSameFileIsLeftAloneHoweverItIsNamed(boolean replace, @TempDir Path dir) throws Exception {
        Path f = precious(dir);
        Path hard = Files.createLink(dir.resolve("hard"), f);
        Path soft = Files.createSymbolicLink(dir.resolve("soft"), f);
        Path relative = Path.of(dir + "/./f");
        CopyOption[] options = replace ? new CopyOption[] {REPLACE_EXISTING} : new CopyOption[0];
        for (Path other : List.of(f, hard, soft, relative)) {
            assertEquals(0, copy(f, other, options), "nothing to do for " + other);
            assertEquals(0, copy(other, f, options), "nothing to do from " + other);
            assertEquals(PRECIOUS, Files.readString(f), "the source survives a copy onto " + other);
        }
        assertTrue(Files.isSymbolicLink(soft), "the link is still a link");
        assertEquals(List.of("f", "hard", "soft"), names(dir), "no temporary file");
    }

    @Test
    void anExistingTargetIsReplacedOnlyWhenAsked(@TempDir Path dir) throws Exception {
        Path f = precious(dir);
        Path target = Files.writeString(dir.resolve("target"), "old");
        var e = assertThrows(FileAlreadyExistsException.class, () -> copy(f, target));
        assertEquals(target.toString(), e.getFile());
        assertEquals("old", Files.readString(target));
        assertEquals(PRECIOUS.length(), copy(f, target, REPLACE_EXISTING));
        assertEquals(PRECIOUS, Files.readString(target));
        assertEquals(PRECIOUS, Files.readString(f));
        assertEquals(List.of("f", "target"), names(dir), "no temporary file");
    }

    @Test
    void aSymbolicLinkTargetIsReplacedItselfNotTheFileItNames(@TempDir Path dir) throws Exception {
        Path f = precious(dir);
        Path other = Files.writeString(dir.resolve("other"), "other");
        Path link = Files.createSymbolicLink(dir.resolve("link"), other);
        assertThrows(FileAlreadyExistsException.class, () -> copy(f, link));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertThrows(FileAlreadyExistsException.class, () -> copy(f, dangling), "a dangling link exists too");
        copy(f, link, REPLACE_EXISTING);
        assertFalse(Files.isSymbolicLink(link));
        assertEquals(PRECIOUS, Files.readString(link));
        assertEquals("other", Files.readString(other), "the file the link named is untouched");
        copy(f, dangling, REPLACE_EXISTING);
        assertEquals(PRECIOUS, Files.readString(dangling));
        assertFalse(Files.exists(dir.resolve("nowhere")));
    }

    @Test
    void directoriesAsTargetsAndSources(@TempDir Path dir) throws Exception {
        Path f = precious(dir);
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path full = Files.createDirectory(dir.resolve("full"));
        Files.writeString(full.resolve("x"), "x");
        assertThrows(FileAlreadyExistsException.class, () -> copy(f, empty));
        assertThrows(DirectoryNotEmptyException.class, () -> copy(f, full, REPLACE_EXISTING));
        assertTrue(Files.exists(full.resolve("x")));
        copy(f, empty, REPLACE_EXISTING); // as Files.copy: an empty directory is replaced
        assertEquals(PRECIOUS, Files.readString(empty));
        var e = assertThrows(FileSystemException.class, () -> copy(full, dir.resolve("d")));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("d")));
    }

    @Test
    void missingFilesAndBadArgumentsAreNamed(@TempDir Path dir) throws Exception {
        Path f = precious(dir);
        var missing = assertThrows(NoSuchFileException.class, () -> copy(dir.resolve("absent"), dir.resolve("t")));
        assertTrue(missing.getMessage().contains("absent"), missing.getMessage());
        assertThrows(NoSuchFileException.class, () -> copy(f, dir.resolve("no/such/dir/t")));
        for (CopyOption o : new CopyOption[] {StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.ATOMIC_MOVE, LinkOption.NOFOLLOW_LINKS}) {
            var u = assertThrows(UnsupportedOperationException.class, () -> copy(f, dir.resolve("t"), o));
            assertTrue(u.getMessage().contains(o.toString()), u.getMessage());
        }
        var zero = assertThrows(IllegalArgumentException.class,
                () -> AsyncFiles.copy(loops.group(), f, dir.resolve("t"), Duration.ZERO));
        assertTrue(zero.getMessage().contains("PT0S"), zero.getMessage());
        assertEquals(PRECIOUS.length(), AsyncFiles.copy(loops.group(), f, dir.resolve("t"), Duration.ofDays(1_000_000_000L)),
                "a huge deadline is no deadline, not an overflow");
        assertEquals(List.of("f", "t"), names(dir));
    }

    @Test
    void theTargetGetsTheSourcesPermissions(@TempDir Path dir) throws Exception {
        Path f = precious(dir);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        copy(f, dir.resolve("t"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("t"))));
    }

    /** A FIFO has no size: it is read until its writer closes it, more than a pipe's buffer full. */
    @Test
    void aFifoIsReadUntilItsWriterCloses(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir.resolve("fifo"));
        byte[] data = new byte[300_000];
        new Random(4).nextBytes(data);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                for (int i = 0; i < data.length; i += 10_000) out.write(data, i, 10_000);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Path t = dir.resolve("t");
        assertEquals(data.length, copy(fifo, t));
        writer.get(10, TimeUnit.SECONDS);
        assertArrayEquals(data, Files.readAllBytes(t));
    }

    /** /proc files say size 0, /sys files 4096: both are read until end of file. */
    @Test
    void procAndSysFilesAreReadUntilEndOfFile(@TempDir Path dir) throws Exception {
        for (String name : List.of("/proc/version", "/proc/filesystems", "/sys/devices/system/cpu/online")) {
            Path source = Path.of(name);
            assumeTrue(Files.isReadable(source), name + " is not readable here");
            Path t = dir.resolve(source.getFileName().toString());
            long n = copy(source, t);
            byte[] expected = Files.readAllBytes(source);
            assertTrue(expected.length > 0);
            assertEquals(expected.length, n, name);
            assertArrayEquals(expected, Files.readAllBytes(t), name);
        }
    }

    @Test
    void devNullCopiesNothingAndDevZeroEndsAtItsDeadline(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("null");
        assertEquals(0, copy(Path.of("/dev/null"), t));
        assertEquals(0, Files.size(t));
        int fds = openFds();
        long start = System.nanoTime();
        var e = assertThrows(InterruptedByTimeoutException.class,
                () -> AsyncFiles.copy(loops.group(), Path.of("/dev/zero"), dir.resolve("zero"), Duration.ofMillis(300)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 250 && ms < 10_000, "ended at its deadline, after " + ms + " ms");
        assertTrue(String.valueOf(e.getCause()).contains("PT0.3S"), String.valueOf(e.getCause()));
        assertEquals(List.of("null"), names(dir), "no target, no temporary file");
        assertEquals(fds, openFds(), "every fd closed");
    }

    /** A FIFO without a writer blocks the open, one whose writer is silent blocks the read: both end. */
    @Test
    void aSilentFifoEndsAtTheDeadlineOrTheInterrupt(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir.resolve("fifo"));
        long start = System.nanoTime();
        assertThrows(InterruptedByTimeoutException.class,
                () -> AsyncFiles.copy(loops.group(), fifo, dir.resolve("t"), Duration.ofMillis(200)), "no writer: the open waits");
        assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000);
        int fds = openFds();
        try (RandomAccessFile silentWriter = new RandomAccessFile(fifo.toFile(), "rw")) { // holds the FIFO open, writes nothing
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread copier = Thread.ofVirtual().start(() -> {
                try {
                    copy(fifo, dir.resolve("t"));
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            Thread.sleep(200);
            assertFalse(outcome.isDone(), "the read waits for data");
            copier.interrupt();
            assertInstanceOf(InterruptedIOException.class, outcome.get(10, TimeUnit.SECONDS));
            copier.join(5000);
        }
        assertEquals(List.of("fifo"), names(dir), "no target, no temporary file");
        assertEquals(fds, openFds(), "every fd closed");
    }

    /** An existing FIFO target is written into, in order, and stays a FIFO. */
    @Test
    void anExistingFifoTargetIsWrittenIntoNotReplaced(@TempDir Path dir) throws Exception {
        byte[] data = new byte[200_000];
        new Random(5).nextBytes(data);
        Path f = Files.write(dir.resolve("f"), data);
        Path fifo = mkfifo(dir.resolve("fifo"));
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(fifo);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertEquals(data.length, AsyncFiles.copy(loops.group(), f, fifo, 16384, 4, Duration.ofSeconds(20), REPLACE_EXISTING));
        assertArrayEquals(data, reader.get(10, TimeUnit.SECONDS));
        assertTrue(Files.isRegularFile(f) && !Files.isRegularFile(fifo) && Files.exists(fifo), "still a FIFO");
    }

    /** Holes stay holes (SEEK_DATA / SEEK_HOLE), at the end too; the content is the same. */
    @ParameterizedTest(name = "splice {0}")
    @ValueSource(booleans = {true, false})
    void aSparseSourceKeepsItsHoles(boolean splice, @TempDir Path dir) throws Exception {
        Path src = dir.resolve("sparse");
        byte[] block = new byte[1 << 20];
        new Random(6).nextBytes(block);
        try (RandomAccessFile raf = new RandomAccessFile(src.toFile(), "rw")) {
            raf.write(block);            // data at 0
            raf.seek(16L << 20);
            raf.write(block);            // a 15 MiB hole, then data
            raf.setLength(40L << 20);    // and a 23 MiB hole at the end
        }
        long sourceBlocks = blocks(src);
        assumeTrue(sourceBlocks < 8 * 1024, "the filesystem keeps no holes: " + sourceBlocks + " blocks");
        Path dst = dir.resolve("copy");
        FileCopy.Copied c = FileCopy.run(loops.group(), src, dst, 1 << 20, 8, splice, Duration.ofSeconds(30));
        assertEquals(40L << 20, c.bytes());
        assertEquals(40L << 20, Files.size(dst));
        assertEquals(-1, Files.mismatch(src, dst), "same content");
        long copyBlocks = blocks(dst);
        assertTrue(copyBlocks <= sourceBlocks + 2048, "holes kept: the copy has " + copyBlocks
                + " blocks of 512 bytes, the source " + sourceBlocks + " (a dense copy: " + (80 << 10) + ")");
    }

    /** A file whose size is larger than its content at the time of the copy (it shrank) is copied as it ends. */
    @Test
    void aSourceIsCopiedUntilItsEndOfFileNotItsSize(@TempDir Path dir) throws Exception {
        byte[] data = new byte[3 * 65536 + 100];
        new Random(7).nextBytes(data);
        Path f = Files.write(dir.resolve("f"), data);
        Path t = dir.resolve("t");
        assertEquals(data.length, FileCopy.run(loops.group(), f, t, 65536, 4, true, null).bytes());
        assertArrayEquals(data, Files.readAllBytes(t));
        byte[] grown = Arrays.copyOf(data, data.length * 2);
        Files.write(f, grown);
        assertEquals(grown.length, copy(f, t, REPLACE_EXISTING));
        assertArrayEquals(grown, Files.readAllBytes(t));
    }

    private static Path mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).start();
        assertTrue(mk.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, mk.exitValue());
        return p;
    }

    /** st_blocks (512-byte units) through stat(1). */
    private static long blocks(Path p) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b", p.toString()).start();
        assertTrue(stat.waitFor(10, TimeUnit.SECONDS));
        return Long.parseLong(new String(stat.getInputStream().readAllBytes()).trim());
    }
}
