package io.uring4j.tools.soak;

import io.uring4j.runtime.AsyncFile;
import io.uring4j.runtime.EventLoopGroup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file the soak copies and reads: its bytes are a seeded {@link Pattern}, or, when
 * {@code sparse}, the pattern in every even MiB and a hole (zeros) in every odd one, so copies
 * must keep holes as holes and reads across a hole must see zeros.
 */
record SourceFile(Path path, long size, Pattern pattern, boolean sparse) {
    /** The unit of a sparse file's data and holes. */
    static final int REGION = 1 << 20;
    private static final int PIECE = 256 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(PIECE).asReadOnlyBuffer();

    /** Writes the file through the runtime, then reads it back with the JDK: a wrong byte there is the runtime's. */
    static SourceFile create(EventLoopGroup group, Path path, long size, long seed, boolean sparse) throws IOException {
        SourceFile f = new SourceFile(path, size, new Pattern(seed), sparse);
        ByteBuffer buf = ByteBuffer.allocateDirect(PIECE);
        try (AsyncFile out = AsyncFile.open(group, path, ClientSocket.DEADLINE, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            out.timeout(ClientSocket.DEADLINE);
            for (long at = 0; at < size; ) {
                int n = (int) Math.min(PIECE, Math.min(size - at, REGION - at % REGION));
                if (!f.hole(at)) {
                    buf.clear();
                    f.pattern.put(buf, at, n);
                    buf.flip();
                    while (buf.hasRemaining()) out.write(buf, at + buf.position());
                }
                at += n;
            }
            if (out.size() != size) out.truncate(size); // the file ends in a hole
        }
        try (FileChannel in = FileChannel.open(path)) {
            for (long at = 0; at < size; ) {
                buf.clear().limit((int) Math.min(PIECE, size - at));
                while (buf.hasRemaining() && in.read(buf, at + buf.position()) > 0) {
                    // until the piece is full
                }
                int bad = f.mismatch(buf, 0, at, buf.position());
                if (bad >= 0 || buf.hasRemaining()) {
                    throw new IOException(path + " reads back wrong after it was written through AsyncFile: byte "
                            + (at + Math.max(bad, buf.position())) + " of " + size);
                }
                at += buf.position();
            }
        }
        return f;
    }

    /** Whether byte {@code offset} lies in a hole. */
    boolean hole(long offset) {
        return sparse && (offset / REGION & 1) == 1;
    }

    /** Byte {@code offset} of the file. */
    byte at(long offset) {
        return hole(offset) ? 0 : pattern.at(offset);
    }

    /**
     * Where {@code count} bytes of {@code buf} from absolute index {@code from} first differ from
     * the file's bytes at {@code offset}: relative to {@code from}, or -1.
     */
    int mismatch(ByteBuffer buf, int from, long offset, int count) {
        int done = 0;
        while (done < count) {
            long at = offset + done;
            int n = (int) Math.min(count - done, sparse ? REGION - at % REGION : Long.MAX_VALUE);
            int bad;
            if (hole(at)) {
                bad = -1;
                for (int z = 0; z < n && bad < 0; z += PIECE) {
                    int k = Math.min(PIECE, n - z);
                    int m = buf.slice(from + done + z, k).mismatch(ZEROS.slice(0, k));
                    if (m >= 0) bad = z + m;
                }
            } else {
                bad = pattern.mismatch(buf, from + done, at, n);
            }
            if (bad >= 0) return done + bad;
            done += n;
        }
        return -1;
    }

    @Override
    public String toString() {
        return path.getFileName() + " (" + size + " bytes" + (sparse ? ", sparse" : "") + ")";
    }
}
