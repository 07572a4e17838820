package io.uring4j.tools;

import io.uring4j.core.Errno;
import io.uring4j.core.IoUring;
import io.uring4j.runtime.AsyncFile;
import io.uring4j.runtime.EventLoopGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code uring4j cat FILE…}: reads files through io_uring and writes them to standard output, in
 * order; {@code -} is standard input, read through io_uring too, from where it stands (a pipe, a
 * terminal, a file), as cat does.
 */
@Command(name = "cat", mixinStandardHelpOptions = true,
        description = {"Print files, read through io_uring, to standard output, in order.",
                "A FILE of - is standard input (as with cat); ./- names a file called -."})
final class CatCommand implements Callable<Integer> {
    /** The FILE that stands for standard input. */
    static final String STDIN = "-";
    private static final int STDIN_FD = 0;
    private static final int CHUNK = 256 * 1024;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "The files to print, in order; - is standard input.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        byte[] chunk = new byte[buf.capacity()];
        int status = 0;
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            for (Path p : files) {
                try {
                    if (p.toString().equals(STDIN)) copyStandardInput(buf, chunk, out);
                    else copyFile(group, p, buf, chunk, out);
                } catch (IOException e) { // one line per file that fails; the others are still printed
                    CliErrors.report(spec.commandLine(), e);
                    status = CliErrors.FAILED;
                }
            }
        }
        out.flush();
        return status;
    }

    private static void copyFile(EventLoopGroup group, Path p, ByteBuffer buf, byte[] chunk, OutputStream out) throws IOException {
        try (AsyncFile f = AsyncFile.open(group, p)) {
            long pos = 0;
            while (true) {
                buf.clear();
                int n = f.read(buf, pos);
                if (n < 0) break;
                buf.flip().get(chunk, 0, n);
                out.write(chunk, 0, n);
                pos += n;
            }
        }
    }

    /**
     * Reads fd 0 until its end with IORING_OP_READ at offset -1, "the file's current position":
     * right for a pipe or a terminal, and for a file it continues where the shell's redirection
     * (or an earlier reader) left it. The fd is not ours, so it is not closed. A small ring of its
     * own, as the runtime's files are opened by path.
     */
    private static void copyStandardInput(ByteBuffer buf, byte[] chunk, OutputStream out) throws IOException {
        MemorySegment seg = MemorySegment.ofBuffer(buf.clear());
        try (IoUring ring = IoUring.open(2)) {
            while (true) {
                ring.getSqe().prepRead(STDIN_FD, seg, -1);
                ring.submitAndWait(1);
                int n = ring.waitCqe().res();
                ring.cqAdvance(1);
                if (n < 0) throw new IOException(STDIN + ": read: " + Errno.describe(n));
                if (n == 0) return;
                buf.clear().get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }
}
