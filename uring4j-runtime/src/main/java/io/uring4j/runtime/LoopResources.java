package io.uring4j.runtime;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The files and sockets opened on one loop and not yet closed by their owners: the loop closes
 * them when it ends, after every request of theirs has completed. Loop thread only.
 */
final class LoopResources {
    private final EventLoop loop;
    private final Set<LoopResource> open = Collections.newSetFromMap(new IdentityHashMap<>());

    LoopResources(EventLoop loop) {
        this.loop = loop;
    }

    void add(LoopResource r) {
        open.add(r);
    }

    void remove(LoopResource r) {
        open.remove(r);
    }

    /**
     * Closes every one still open. One resource's close may touch another's registration (a
     * server closing the connections it queued), so this walks a copy; one that fails is
     * reported and the others are closed all the same.
     */
    /** Runs {@code check} on each open resource (loop thread; the check must not open or close one). */
    void forEach(java.util.function.Consumer<LoopResource> check) {
        for (LoopResource r : open) check.accept(r);
    }

    void closeAll() {
        for (LoopResource r : List.copyOf(open)) {
            try {
                r.closeOnShutdown();
            } catch (RuntimeException e) {
                RuntimeLog.failed("closing " + r + " with " + loop + " failed", e);
            }
        }
        open.clear();
    }
}
