package io.uring4j.runtime;

import java.lang.reflect.Constructor;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * Gives a blocking caller an exception of its own. A request fails on the loop thread, so the
 * exception its future holds carries only the loop's frames; the caller gets a new exception of
 * exactly the same type and message, made on its own thread (its stack trace shows the call),
 * whose cause is the loop's exception. The JDK's {@code ForkJoinTask.get} does the same for
 * failures of other threads.
 *
 * <p>Types with a message constructor (every {@code java.io}, {@code java.net},
 * {@code java.nio.channels} and {@code java.lang} exception the runtime throws) are made
 * through it; the {@code java.nio.file} ones from their file, other file and reason. An
 * exception that cannot be made again this way (no such public constructor, a type its module
 * does not export, an {@link Error}) is passed on as it is: the type never changes.
 */
final class CallerExceptions {
    private CallerExceptions() {}

    /** A new exception like {@code loopSide}, made on this thread, caused by {@code loopSide}; or {@code loopSide}. */
    static Throwable onCallerThread(Throwable loopSide) {
        if (loopSide == null || loopSide instanceof Error) return loopSide;
        Throwable here;
        try {
            here = loopSide instanceof FileSystemException fs ? fileSystem(fs) : byConstructor(loopSide);
        } catch (ReflectiveOperationException | RuntimeException cannot) {
            return loopSide;
        }
        if (here == null || here.getClass() != loopSide.getClass()) return loopSide;
        try {
            here.initCause(loopSide);
        } catch (IllegalStateException causeSetByConstructor) {
            return loopSide;
        }
        return here;
    }

    private static Throwable fileSystem(FileSystemException e) throws ReflectiveOperationException {
        String file = e.getFile(), other = e.getOtherFile(), reason = e.getReason();
        return switch (e) {
            case NoSuchFileException _ -> new NoSuchFileException(file, other, reason);
            case FileAlreadyExistsException _ -> new FileAlreadyExistsException(file, other, reason);
            case AccessDeniedException _ -> new AccessDeniedException(file, other, reason);
            case NotDirectoryException _ -> new NotDirectoryException(file);
            case DirectoryNotEmptyException _ -> new DirectoryNotEmptyException(file);
            case NotLinkException _ -> new NotLinkException(file, other, reason);
            case AtomicMoveNotSupportedException _ -> new AtomicMoveNotSupportedException(file, other, reason);
            case FileSystemLoopException _ -> new FileSystemLoopException(file);
            default -> e.getClass() == FileSystemException.class ? new FileSystemException(file, other, reason) : null;
        };
    }

    private static Throwable byConstructor(Throwable t) throws ReflectiveOperationException {
        Class<? extends Throwable> type = t.getClass();
        String message = t.getMessage();
        if (message != null) {
            try {
                Constructor<? extends Throwable> withMessage = type.getConstructor(String.class);
                return withMessage.newInstance(message);
            } catch (NoSuchMethodException none) {
                // fall through to the no-argument constructor only if the message would not be lost
                return null;
            }
        }
        return type.getConstructor().newInstance();
    }
}
