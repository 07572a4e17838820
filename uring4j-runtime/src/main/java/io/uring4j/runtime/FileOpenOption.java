package io.uring4j.runtime;

import java.nio.file.OpenOption;

/** Open options beyond {@link java.nio.file.StandardOpenOption}. */
public enum FileOpenOption implements OpenOption {
    /**
     * O_DIRECT: bypass the page cache. Buffers, positions and lengths must be multiples of the
     * device's logical block size (512 is checked; 4096 is safe everywhere); heap buffers are
     * served from the runtime's page-aligned pool.
     */
    DIRECT,

    /**
     * Installs the file in its loop's registered file table, so every read, write and sync names
     * it by slot (IOSQE_FIXED_FILE): no fd lookup or reference count per request; and transfers
     * through the runtime's own buffers (heap {@code ByteBuffer}s) use registered buffers
     * (READ_FIXED/WRITE_FIXED): no page pinning per request. Falls back to the plain fd and plain
     * reads when a table (1024 slots per loop each) is full.
     */
    REGISTERED
}
