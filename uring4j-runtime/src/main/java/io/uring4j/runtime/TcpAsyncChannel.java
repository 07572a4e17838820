package io.uring4j.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousByteChannel;
import java.nio.channels.CompletionHandler;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;

/** {@link TcpConnection#asAsynchronousByteChannel()}: the connection's own reads and writes under the JDK's interface. */
final class TcpAsyncChannel implements AsynchronousByteChannel {
    private final TcpConnection connection;

    TcpAsyncChannel(TcpConnection connection) {
        this.connection = connection;
    }

    @Override
    public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        whenDone(connection.readAsync(Objects.requireNonNull(dst, "dst")), attachment, handler);
    }

    @Override
    public Future<Integer> read(ByteBuffer dst) {
        return connection.readAsync(Objects.requireNonNull(dst, "dst"));
    }

    @Override
    public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        whenDone(connection.writeAsync(Objects.requireNonNull(src, "src")), attachment, handler);
    }

    @Override
    public Future<Integer> write(ByteBuffer src) {
        return connection.writeAsync(Objects.requireNonNull(src, "src"));
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }

    @Override
    public String toString() {
        return "AsynchronousByteChannel of " + connection;
    }

    private static <A> void whenDone(CompletableFuture<Integer> f, A attachment, CompletionHandler<Integer, ? super A> handler) {
        f.whenComplete((n, t) -> {
            try {
                if (t == null) {
                    handler.completed(n, attachment);
                } else {
                    handler.failed(t instanceof CompletionException && t.getCause() != null ? t.getCause() : t, attachment);
                }
            } catch (RuntimeException | Error handlerFailed) {
                RuntimeLog.failed("a completion handler of " + handler + " threw", handlerFailed);
            }
        });
    }
}
