package io.uring4j.tools;

import io.uring4j.runtime.AsyncFile;
import io.uring4j.runtime.EventLoopGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code uring4j cat FILE…}: reads files through io_uring and writes them to standard output. */
@Command(name = "cat", mixinStandardHelpOptions = true, description = "Print files, read through io_uring.")
final class CatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "The files to print, in order.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        byte[] chunk = new byte[buf.capacity()];
        int status = 0;
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            for (Path p : files) {
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
                } catch (java.io.IOException e) { // one line per file that fails; the others are still printed
                    CliErrors.report(spec.commandLine(), e);
                    status = 1;
                }
            }
        }
        out.flush();
        return status;
    }
}
