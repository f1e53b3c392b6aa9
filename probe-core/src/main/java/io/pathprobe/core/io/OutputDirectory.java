package io.pathprobe.core.io;

import io.pathprobe.nativeio.Privileges;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A directory that reports are written into, safely even when the process runs as root in a place another user
 * can reach: nothing written here follows a symbolic link, replaces a file outside the directory, or lands in a
 * directory that someone else could swap under us.
 *
 * <h2>What {@link #open} refuses</h2>
 * <ul>
 * <li>an empty path;</li>
 * <li>a directory (or any directory above it) owned by another user than this process's effective user (root's
 *     directories are accepted above it): its owner could replace the files written there with links to files this
 *     process may write;</li>
 * <li>a directory (or one above it) writable by group or others without the sticky bit (like {@code /tmp}, where
 *     others cannot rename or remove what is not theirs);</li>
 * <li>a path reached through a symbolic link owned by another user than this one or root (the rule of
 *     {@code fs.protected_symlinks}, applied whatever the sysctl says).</li>
 * </ul>
 * A missing directory is created (with the process's umask). Every message names the directory, what is wrong and
 * what to do.
 *
 * <h2>How files are written</h2>
 * Relative to the opened directory's descriptor ({@code openat}, through {@link SecureDirectoryStream}):
 * {@link #newOutputStream} (for files appended while a capture runs, such as {@code events.jsonl}) removes whatever
 * entry has the name (a stale file, or a link an attacker left) and creates the file anew with {@code O_EXCL} and
 * {@code O_NOFOLLOW}; {@link #writeAtomically} writes a temporary file the same way and renames it over the name, so
 * a reader sees the old file or the new one. Names are single path components.
 *
 * <p>Not thread-safe; the streams it hands out are independent of it (closing the directory leaves them open).
 */
public final class OutputDirectory implements Closeable {
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path path;
    /** The opened directory; null where the platform has no {@code openat} (then names resolve by path). */
    private final SecureDirectoryStream<Path> dir;

    private OutputDirectory(Path path, SecureDirectoryStream<Path> dir) {
        this.path = path;
        this.dir = dir;
    }

    /**
     * Opens {@code dir} for writing, creating it if missing, after the checks listed in the class comment.
     *
     * @throws IllegalArgumentException when {@code dir} is empty
     * @throws IOException              with a one-line message (the directory, the problem, the fix) when it is
     *                                  unsafe or cannot be created or opened
     */
    public static OutputDirectory open(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        if (dir.toString().isBlank()) {
            throw new IllegalArgumentException("the output directory is empty: give a directory name");
        }
        Path abs;
        try {
            abs = dir.toAbsolutePath();
        } catch (InvalidPathException | java.io.IOError e) {
            throw new IOException("output directory " + dir + " is not a usable path: " + e.getMessage(), e);
        }
        checkLinksOnTheWay(abs);
        if (!Files.exists(abs)) {
            // Check where it will be made before making it: nothing is created in someone else's directory.
            Path existing = abs.getParent();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            for (Path p = existing == null ? null : existing.toRealPath(); p != null; p = p.getParent()) {
                checkSafe(p, dir, true);
            }
            create(abs);
        }
        Path real;
        try {
            real = abs.toRealPath();
        } catch (IOException e) {
            throw new IOException("cannot open output directory " + dir + ": " + reason(e), e);
        }
        if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("output directory " + dir + " is not a directory: give a directory name");
        }
        for (Path p = real.getParent(); p != null; p = p.getParent()) {
            checkSafe(p, dir, true);
        }
        checkSafe(real, dir, false);
        SecureDirectoryStream<Path> stream = openNoFollow(real, dir);
        if (stream != null) {
            // The opened directory must be the one checked: a swap between the check and the open shows here.
            Object opened = stream.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
            Object checked = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (opened != null && !opened.equals(checked)) {
                stream.close();
                throw new IOException("output directory " + dir + " changed while it was being opened: someone "
                        + "else can write above it; give a directory only you can write");
            }
        }
        return new OutputDirectory(dir, stream);
    }

    /**
     * {@link #open} and close: for builders that check their configuration before a long run (the directory is
     * created if missing).
     *
     * @throws IllegalArgumentException with {@link #open}'s message when the directory is empty, unsafe or cannot be
     *                                  created
     */
    public static void check(Path dir) {
        try {
            open(dir).close();
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The directory as it was given. */
    public Path path() {
        return path;
    }

    /**
     * A new, empty file {@code name} to stream into: any entry of that name (a stale file, a link) is removed first,
     * then the file is created exclusively without following links. The stream is not buffered.
     *
     * @throws IOException naming the file and why
     */
    public OutputStream newOutputStream(String name) throws IOException {
        checkName(name);
        remove(name);
        return Channels.newOutputStream(createNew(name));
    }

    /** Writes {@code text} as UTF-8 to {@code name} whole: a temporary file, then renamed over the name. */
    public void writeAtomically(String name, String text) throws IOException {
        writeAtomically(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code name} whole: a temporary file, then renamed over the name. */
    public void writeAtomically(String name, byte[] bytes) throws IOException {
        checkName(name);
        String tmp = "." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp";
        boolean moved = false;
        try (SeekableByteChannel ch = createNew(tmp)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        try {
            if (dir != null) {
                dir.move(Path.of(tmp), dir, Path.of(name)); // renameat: replaces a link itself, never its target
            } else {
                Files.move(path.resolve(tmp), path.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            moved = true;
        } catch (IOException e) {
            throw new IOException("cannot write " + path.resolve(name) + ": " + reason(e), e);
        } finally {
            if (!moved) {
                try {
                    remove(tmp);
                } catch (IOException ignored) {
                    // the first failure is the one to report
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (dir != null) {
            dir.close();
        }
    }

    private SeekableByteChannel createNew(String name) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        try {
            return dir != null ? dir.newByteChannel(Path.of(name), options)
                    : Files.newByteChannel(path.resolve(name), options);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + path.resolve(name) + ": something created it at the same "
                    + "time; give a directory only you can write", e);
        } catch (IOException e) {
            throw new IOException("cannot create " + path.resolve(name) + ": " + reason(e), e);
        }
    }

    /** Removes the entry {@code name} (unlinkat: a link goes, its target stays); a missing entry is fine. */
    private void remove(String name) throws IOException {
        try {
            if (dir != null) {
                dir.deleteFile(Path.of(name));
            } else {
                Files.deleteIfExists(path.resolve(name));
            }
        } catch (NoSuchFileException missing) {
            // nothing to remove
        } catch (IOException e) {
            throw new IOException("cannot replace " + path.resolve(name) + ": " + reason(e)
                    + (Files.isDirectory(path.resolve(name), LinkOption.NOFOLLOW_LINKS)
                    ? " (a directory of that name is in the way: remove it)" : ""), e);
        }
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("file name '" + name + "' is not a plain name inside the directory");
        }
    }

    /** Every existing symbolic link on the way to {@code abs} must be this user's or root's. */
    private static void checkLinksOnTheWay(Path abs) throws IOException {
        Path p = abs.getRoot();
        for (Path part : abs) {
            p = p.resolve(part);
            Map<String, Object> a = unixAttributes(p);
            if (a == null) {
                return; // missing from here on (created below), or no unix attributes on this platform
            }
            if (Boolean.TRUE.equals(a.get("isSymbolicLink"))) {
                int uid = (Integer) a.get("uid");
                if (uid != 0 && uid != euid()) {
                    throw new IOException("output directory " + abs + " is reached through the symbolic link " + p
                            + ", owned by uid " + uid + " (not this user, uid " + euid() + "): its owner decides "
                            + "where the files go; give the real directory, or one of your own");
                }
            }
        }
    }

    /**
     * {@code p} must be owned by this user (or, above the directory, root), and not writable by group or others
     * unless sticky.
     */
    private static void checkSafe(Path p, Path given, boolean above) throws IOException {
        Map<String, Object> a = unixAttributes(p);
        if (a == null) {
            return;
        }
        int uid = (Integer) a.get("uid");
        int mode = (Integer) a.get("mode");
        String where = above ? "output directory " + given + " lies in " + p + ", which is" : "output directory "
                + given + (given.equals(p) ? "" : " (" + p + ")") + " is";
        if (uid != euid() && !(above && uid == 0)) {
            throw new IOException(where + " owned by uid " + uid + ", not by this user (uid " + euid() + "): its "
                    + "owner could swap the files written there for links to files of yours; give a directory "
                    + "you own (e.g. a new one under your home)");
        }
        if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
            throw new IOException(where + " writable by " + ((mode & 0002) != 0 ? "others" : "its group")
                    + String.format(" (mode %04o)", mode & 07777) + ": they could swap the files written there "
                    + "for links; run chmod go-w " + p + ", or give a directory only you can write");
        }
    }

    /** Opens {@code real} without following a link in its last component; null where openat is unavailable. */
    private static SecureDirectoryStream<Path> openNoFollow(Path real, Path given) throws IOException {
        Path parent = real.getParent();
        try {
            if (parent == null) {
                DirectoryStream<Path> ds = Files.newDirectoryStream(real);
                if (ds instanceof SecureDirectoryStream<Path> s) {
                    return s;
                }
                ds.close();
                return null;
            }
            try (DirectoryStream<Path> up = Files.newDirectoryStream(parent)) {
                if (!(up instanceof SecureDirectoryStream<Path> s)) {
                    return null;
                }
                return s.newDirectoryStream(real.getFileName(), LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException e) {
            throw new IOException("cannot open output directory " + given + ": " + reason(e), e);
        }
    }

    private static void create(Path abs) throws IOException {
        try {
            Files.createDirectories(abs);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("output directory " + abs + ": a file of that name is in the way: give a "
                    + "directory", e);
        } catch (IOException | SecurityException e) {
            throw new IOException("cannot create output directory " + abs + ": "
                    + (e instanceof IOException io ? reason(io) : e.getMessage())
                    + "; give a directory you can write", e);
        }
    }

    /** uid, mode and isSymbolicLink of {@code p} itself; null when missing or without the unix view. */
    private static Map<String, Object> unixAttributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, "unix:uid,mode,isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return null; // not a Unix file system: nothing to check ownership against
        }
    }

    private static int euid() {
        return Privileges.effectiveUid();
    }

    /** The reason of a file-system error without the path NIO repeats in its message. */
    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return String.valueOf(e.getMessage());
    }
}
