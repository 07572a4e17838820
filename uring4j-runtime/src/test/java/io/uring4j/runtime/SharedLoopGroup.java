package io.uring4j.runtime;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link EventLoopGroup} shared by the tests of a class: created before the first test, closed
 * after the last. Use: {@code @RegisterExtension static final SharedLoopGroup loops = new SharedLoopGroup(2);}
 * then {@code loops.group()}.
 */
final class SharedLoopGroup implements BeforeAllCallback, AfterAllCallback {
    private final int loops;
    private EventLoopGroup group;

    SharedLoopGroup(int loops) {
        this.loops = loops;
    }

    EventLoopGroup group() {
        if (group == null) throw new IllegalStateException("the shared group exists only while the class's tests run");
        return group;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        group = EventLoopGroup.create(loops);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (group != null) group.close();
        group = null;
    }
}
