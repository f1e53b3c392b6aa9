package io.pathprobe.nativeio;

import io.pathprobe.nativeio.internal.LibC;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;

/**
 * Runs threads inside named network namespaces (those of {@code ip netns add NAME}, bind-mounted at
 * {@code /run/netns/NAME}). {@code setns(fd, CLONE_NEWNET)} moves only the calling thread: sockets it opens
 * afterwards belong to that namespace, other threads of the JVM stay where they were.
 */
public final class NetworkNamespaces {
    /** Where iproute2 keeps named network namespaces. */
    public static final Path NETNS_DIR = Path.of("/run/netns");

    private NetworkNamespaces() {
    }

    /** The file of a named namespace. @throws IllegalArgumentException for a name that cannot be one */
    public static Path path(String name) {
        Objects.requireNonNull(name, "namespace name");
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0 || name.length() > 255) {
            throw new IllegalArgumentException("'" + name + "' is not a network namespace name;"
                    + " use a name as given to 'ip netns add NAME' (no '/', not '.' or '..')");
        }
        return NETNS_DIR.resolve(name);
    }

    /** Whether {@code /run/netns/NAME} exists. */
    public static boolean exists(String name) {
        return Files.exists(path(name));
    }

    /**
     * Moves the calling thread into network namespace {@code name}. It stays there for the rest of its life.
     *
     * @throws IllegalArgumentException when no such namespace exists (or the name is malformed)
     * @throws NativeIoException        when it cannot be opened or entered, e.g. EPERM without CAP_SYS_ADMIN
     */
    public static void enterOnThisThread(String name) throws NativeIoException {
        Path path = path(name);
        LibC libc = NativeIo.libc();
        int fd = libc.open(path.toString(), SocketConstants.O_RDONLY | SocketConstants.O_CLOEXEC);
        if (fd < 0) {
            int errno = NativeIo.lastErrno();
            if (errno == SocketConstants.ENOENT) {
                throw new IllegalArgumentException("no network namespace " + name + ": create it with 'ip netns add "
                        + name + "'");
            }
            throw new NativeIoException("open " + path, errno,
                    errno == SocketConstants.EACCES ? "entering a network namespace needs root or CAP_SYS_ADMIN"
                            : null);
        }
        try {
            if (libc.setns(fd, SocketConstants.CLONE_NEWNET) != 0) {
                int errno = NativeIo.lastErrno();
                throw new NativeIoException("setns " + path + " CLONE_NEWNET", errno,
                        errno == SocketConstants.EPERM ? "entering a network namespace needs root or CAP_SYS_ADMIN"
                                : errno == SocketConstants.EINVAL ? path + " is not a network namespace" : null);
            }
        } finally {
            NativeIo.sockets().close(fd);
        }
    }

    /**
     * A thread factory whose threads enter namespace {@code name} before they run their task (e.g. for a Netty
     * event loop group that must live in the namespace). Checks up front, on a throw-away thread, that the
     * namespace can be entered; a thread that later fails to enter it ends without running its task (an
     * {@link UncheckedIOException} reaches its uncaught-exception handler) rather than run outside.
     *
     * @throws IllegalArgumentException when the namespace does not exist
     * @throws UncheckedIOException     (cause {@link NativeIoException}) when it cannot be entered
     */
    public static ThreadFactory threadFactory(String name, ThreadFactory base) {
        Objects.requireNonNull(base, "base thread factory");
        try {
            callInNamespace(name, () -> null);
        } catch (NativeIoException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not check network namespace " + name, e);
        }
        return task -> base.newThread(() -> {
            try {
                enterOnThisThread(name);
            } catch (NativeIoException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            task.run();
        });
    }

    /**
     * Runs {@code task} on a new thread inside namespace {@code name} and returns its result; the calling thread
     * waits and stays where it is.
     *
     * @throws IllegalArgumentException when the namespace does not exist
     * @throws NativeIoException        when it cannot be entered
     * @throws Exception                whatever the task throws
     */
    public static <T> T callInNamespace(String name, Callable<T> task) throws Exception {
        path(name);
        FutureTask<T> future = new FutureTask<>(() -> {
            enterOnThisThread(name);
            return task.call();
        });
        Thread thread = new Thread(future, "netns-" + name);
        thread.setDaemon(true);
        thread.start();
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /**
     * What a task run on another thread threw, to rethrow as if it ran here: its exception or error itself, not
     * the {@link ExecutionException} around it.
     */
    public static Exception unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception) {
            return (Exception) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return e;
    }
}
