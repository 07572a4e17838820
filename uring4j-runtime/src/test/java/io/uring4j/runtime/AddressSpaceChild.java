package io.uring4j.runtime;

import io.uring4j.core.IoUring;
import io.uring4j.testing.AddressSpaceHog;
import io.uring4j.testing.ChildReport;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.uring4j.testing.ChildReport.outcome;
import static io.uring4j.testing.ChildReport.put;

/**
 * Scenario side of the address-space test: a child under {@code prlimit --as} whose remaining
 * address space {@link AddressSpaceHog} takes but {@code args[0]} bytes; reports what large
 * rings, a new group and large transfers do then, and whether everything works again once the
 * space is back. Twice: the first round loads the classes of the failure paths.
 */
final class AddressSpaceChild {
    private AddressSpaceChild() {}

    /** Large enough that its rings (2 MiB of SQEs, 1 MiB of CQEs) cannot fit in the headroom. */
    static final int BIG_RING = 32768;
    /** A loop's ring of 1 MiB of SQEs and (4 CQEs per SQE) 1 MiB of CQEs. */
    static final int BIG_LOOP_RING = 16384;
    /** A heap buffer the runtime must stage through a native buffer of the same size (BufferPool's largest). */
    static final int BIG_TRANSFER = 16 << 20;

    public static void main(String[] args) throws Exception {
        long headroom = Long.parseLong(args[0]);
        Path file = Files.createTempFile("uring4j-fault", ".bin");
        Path small = Files.createTempFile("uring4j-fault", ".txt");
        ByteBuffer heap = ByteBuffer.allocate(BIG_TRANSFER);
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            Files.write(file, new byte[BIG_TRANSFER]);
            Files.writeString(small, "fault injection");
            FaultChild.runtimeEntryPoints("warm.", group, small);
            for (int round = 1; round <= 2; round++) {
                if (round == 2) {
                    put("fds.before", ChildReport.openFds());
                    put("native.before", EventLoopGroup.nativeBytes());
                }
                String p = "r" + round + ".";
                // a group whose buffer pool is empty, so a big transfer must allocate its buffer now
                EventLoopGroup fresh = EventLoopGroup.create(1);
                try (AddressSpaceHog hog = AddressSpaceHog.exhaust(headroom)) {
                    put(p + "left", AddressSpaceHog.left());
                    outcome(p + "ioUring.openBig", () -> IoUring.open(BIG_RING).close());
                    outcome(p + "ioUring.openSmall", () -> IoUring.open(8).close());
                    outcome(p + "group.createBig", () -> EventLoopGroup.create(1, BIG_LOOP_RING).close());
                    outcome(p + "file.readBig", () -> {
                        try (AsyncFile f = AsyncFile.open(fresh, file)) {
                            heap.clear();
                            f.read(heap, 0);
                        }
                    });
                    // each failed allocation must give its operation slot back: 130 failures would need
                    // more slots (64 per block of 16 KiB native memory) if they did not
                    long nativeBefore = EventLoopGroup.nativeBytes();
                    try (AsyncFile f = AsyncFile.open(fresh, file)) {
                        for (int i = 0; i < 130; i++) {
                            try {
                                heap.clear();
                                f.read(heap, 0);
                            } catch (OutOfMemoryError expected) {
                                // as above
                            }
                        }
                    }
                    put(p + "file.readBigRepeated.nativeGrowth", EventLoopGroup.nativeBytes() - nativeBefore);
                    outcome(p + "file.readSmall", () -> {
                        try (AsyncFile f = AsyncFile.open(fresh, small)) {
                            if (f.read(ByteBuffer.allocate(64), 0) != 15) throw new AssertionError("short read");
                        }
                    });
                    if (round == 2) ChildReport.idleCpu("exhausted", "uring4j-", 300);
                }
                fresh.close();
                FaultChild.awaitLoopThreads(1);
                // the address space is back: the same group works, and so do big rings and transfers
                outcome(p + "after.ioUring.openBig", () -> IoUring.open(BIG_RING).close());
                outcome(p + "after.group.createBig", () -> EventLoopGroup.create(1, BIG_LOOP_RING).close());
                outcome(p + "after.file.readBig", () -> {
                    try (AsyncFile f = AsyncFile.open(group, file)) {
                        heap.clear();
                        int n = f.read(heap, 0);
                        if (n != BIG_TRANSFER) throw new AssertionError("read " + n + " bytes");
                    }
                });
                FaultChild.runtimeEntryPoints(p + "after.", group, small);
                FaultChild.awaitLoopThreads(1);
            }
            put("fds.after", ChildReport.openFds());
            put("native.after", EventLoopGroup.nativeBytes());
            put("fds.list", ChildReport.fdList());
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(small);
        }
        FaultChild.awaitNoLoopThreads();
        put("threads", String.join(",", ChildReport.threads("uring4j-loop-")));
    }
}
