package io.jipc.internal;

import io.jipc.IpcException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes and removes the socket file of a Unix-domain server so that the socket is never reachable with a mode other
 * than the configured one, and the mode of nothing but that socket is ever changed.
 *
 * <p>Binding at the path and then setting the mode through the path is not safe: in a directory another user can
 * write, that user replaces the socket with a symlink between bind and chmod and the mode lands on a file of their
 * choosing; and until the chmod the socket is served with the umask's mode. Setting it first is not possible: on
 * Linux fchmod on a socket descriptor does not change the file bind makes, and the umask belongs to the whole process
 * (other threads create files meanwhile). So the socket is made where nobody else can reach it:
 *
 * <ol>
 *   <li>the parent directory is opened once; later steps go through this descriptor;
 *   <li>a fresh directory is made next to the requested path (same filesystem), mode 0700, and opened without
 *       following a link; it must be owned by this process's user and closed to group and others, else the start
 *       fails: a user who can write the parent can rename it away and put a directory of theirs in its place between
 *       mkdir and open;
 *   <li>the socket is bound inside it and its mode set there: nobody else can reach it, nor replace anything in it;
 *   <li>the socket is linked to the requested name: link(2) fails with EEXIST where rename(2) would replace a file
 *       that appeared meanwhile (that start fails with {@code EADDRINUSE}; the file is left alone); then the
 *       temporary name and the directory are removed.
 * </ol>
 *
 * <p>Each step names a directory by its open descriptor, {@code /proc/self/fd/N/name} (Linux), so renaming a
 * directory on the way (the parent's, or ours within it) cannot redirect a step after the open. This also keeps the
 * bound path short. Without {@code /proc/self/fd} (other systems) the same steps use the real paths; then a user who
 * can write the parent of a directory can still redirect a step by renaming that directory between two steps.
 *
 * <p>Opening the directory needs read permission on it: a socket directory this process may only write and search
 * (e.g. mode 0733 owned by another user) now fails the start with {@code EACCES}, where binding alone would work.
 *
 * <p>The descriptor of an open directory is found by its device and inode among the descriptors that appeared with
 * the open (a number that was open before under another name counts as appeared: other threads close and open
 * descriptors meanwhile, and the new one may reuse a number); these opens are serialized (one lock per process) so
 * that another start opening the same directory at the same moment cannot be taken for it. Only code outside jipc
 * that opens the same directory at that moment (and closes it while the start runs) could be.
 */
final class SocketFile implements AutoCloseable {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int GROUP_OTHER = 077;
    /** sun_path holds 108 bytes with the terminating NUL (Linux). */
    private static final int SUN_PATH_MAX = 107;
    private static final Path PROC_FDS = Path.of("/proc/self/fd");
    private static final String TEMP_SOCKET = "s";
    private static final String SOCKET_ATTRS = "unix:mode,fileKey,lastModifiedTime";
    private static final ReentrantLock OPENS = new ReentrantLock();

    private final Path target;
    private final String name;
    private final Dir parent;
    private Path tempName;
    private Dir temp;
    /** True once {@link #temp} is known to be the private directory made here. */
    private boolean tempOurs;
    private Object socketKey;
    private boolean linked;

    private SocketFile(Path target, Dir parent) {
        this.target = target;
        this.name = target.getFileName().toString();
        this.parent = parent;
    }

    /**
     * Opens the directory of the socket file; {@link #close} must follow.
     *
     * @param target the requested socket path
     * @return the open start
     * @throws IOException when the directory cannot be opened (e.g. it does not exist)
     */
    static SocketFile open(Path target) throws IOException {
        if (target.toString().getBytes(StandardCharsets.UTF_8).length > SUN_PATH_MAX) {
            // the link below would accept any length, but clients could not connect to it
            throw new IOException("Unix domain path too long (more than " + SUN_PATH_MAX + " bytes)");
        }
        return new SocketFile(target, Dir.open(target.toAbsolutePath().getParent(), null, null));
    }

    /** @return the NOFOLLOW {@link #SOCKET_ATTRS} of what is at the requested name, or null when nothing is */
    private Map<String, Object> existing() throws IOException {
        try {
            return Files.readAttributes(parent.at(name), SOCKET_ATTRS, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException none) {
            return null;
        }
    }

    /** @return true when something is at the requested name (a symlink counts, wherever it points) */
    boolean exists() throws IOException {
        return existing() != null;
    }

    /** @return true when something accepts connections on the socket at the requested name (a live server) */
    boolean answers() {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return probe.connect(UnixDomainSocketAddress.of(parent.at(name)));
        } catch (IOException refused) {
            return false; // nobody answers: a stale file left by a process that died
        }
    }

    /**
     * Removes the stale socket at the requested name. Its identity is read first and again just before the
     * unlink, which goes through the open parent and never follows a link: what is removed is the socket that was
     * checked, unless another user who can write the directory replaced it in between (they could remove it
     * themselves).
     *
     * @param checked the attributes read when it was found stale, from {@link #staleKey}
     * @throws IOException when it cannot be removed; {@link IpcException} {@code EEXIST} when it was replaced
     */
    void removeStale(Object checked) throws IOException {
        if (!checked.equals(staleKey())) {
            throw new IpcException(IpcException.EEXIST,
                    "listen " + target + ": the stale socket file was replaced while the "
                    + "server was starting; refusing to delete what is there now");
        }
        Files.delete(parent.at(name));
    }

    /** @return the {@link #identity} of the socket at the requested name, or null when there is no socket */
    Object staleKey() throws IOException {
        Map<String, Object> a = existing();
        return a != null && ((Integer) a.get("mode") & S_IFMT) == S_IFSOCK ? identity(a) : null;
    }

    /**
     * Makes the private directory (steps 2 and 3 of the class comment).
     *
     * @return the address to bind: the socket's temporary name inside the private directory
     * @throws IOException when the directory cannot be made, or is not private once opened
     */
    UnixDomainSocketAddress privateAddress() throws IOException {
        Path made = Files.createTempDirectory(parent.at(""), ".jipc-"); // 0700 (& ~umask) on POSIX; fails if it exists
        tempName = made.getFileName();
        temp = Dir.open(parent.path.resolve(tempName), parent, tempName);
        int uid = fsuid();
        tempOurs = (temp.mode & GROUP_OTHER) == 0 && (uid < 0 || temp.uid == uid);
        if (!tempOurs) {
            throw new IpcException(IpcException.EACCES, "listen " + target + ": the private directory " + temp.path
                    + " made for binding was replaced by one this process does not own alone (another user can "
                    + "write " + parent.path + "); not listening");
        }
        return UnixDomainSocketAddress.of(temp.at(TEMP_SOCKET));
    }

    /**
     * Sets the bound socket's mode and links it to the requested name (step 4). Call after bind, before accepting.
     *
     * @param perms the socket's mode
     * @throws IOException when the mode cannot be set or the link cannot be made; {@link IpcException}
     *         {@code EADDRINUSE} when a file appeared at the requested name meanwhile
     */
    void publish(Set<PosixFilePermission> perms) throws IOException {
        Path bound = temp.at(TEMP_SOCKET); // inside our private directory: nothing there can be swapped by others
        try {
            Files.setPosixFilePermissions(bound, perms);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IOException("cannot set the mode of socket file " + target + ": " + e.getMessage(), e);
        }
        Map<String, Object> a = Files.readAttributes(bound, SOCKET_ATTRS, LinkOption.NOFOLLOW_LINKS);
        if (((Integer) a.get("mode") & S_IFMT) != S_IFSOCK) {
            throw new IOException("the bound socket file " + bound + " is not a socket");
        }
        try {
            Files.createLink(parent.at(name), bound); // link(2): never replaces what is at the new name
        } catch (FileAlreadyExistsException appeared) {
            throw new IpcException(IpcException.EADDRINUSE,
                    "listen " + target + ": a file appeared at the path while the "
                    + "server was starting; it was left alone (another server starting at the same time?)",
                    appeared);
        }
        socketKey = identity(a);
        linked = true;
    }

    /** @return the {@link #identity} of the socket file in place (after {@link #publish}) */
    Object socketKey() {
        return socketKey;
    }

    /**
     * Undoes a start that failed after {@link #publish}: removes the requested name if it still is our socket.
     */
    void unpublish() {
        if (linked) {
            try {
                removeIfSame(target, socketKey);
            } catch (IOException ignored) {
                // a stale socket nobody answers on; the next start replaces it
            }
            linked = false;
        }
    }

    /** Removes the temporary name and directory and closes the directories. */
    @Override
    public void close() {
        try {
            if (tempName == null) {
                return;
            }
            Path dir = parent.at(tempName.toString());
            Object key = null;
            if (temp != null) {
                if (tempOurs) {
                    try {
                        Files.deleteIfExists(temp.at(TEMP_SOCKET));
                    } catch (IOException ignored) {
                        // then the directory is not empty: removing it below fails, and it stays private
                    }
                }
                key = temp.key;
                temp.close();
                temp = null;
            }
            try {
                // rmdir removes only an empty directory: if it is no longer the one made here (another user renamed
                // it and put one of theirs in its place), they could have removed that one themselves
                if (key == null || key.equals(key(Files.readAttributes(dir, "unix:fileKey",
                        LinkOption.NOFOLLOW_LINKS)))) {
                    Files.delete(dir);
                }
            } catch (IOException ignored) {
                // gone, or not empty: nothing of ours that could be removed
            }
        } finally {
            parent.close();
        }
    }

    /**
     * Removes the socket file at {@code path} only when it still is the file with the given {@link #identity} (read
     * without following a link): a server never removes a successor's socket. What remains is the moment between
     * this check and the unlink: if within it our file is removed and a successor's linked at the path (a start
     * links only where nothing is), the successor's is removed.
     *
     * @param path the socket path
     * @param key the socket's {@link #socketKey}
     * @return true when it was removed
     * @throws IOException when it is ours but cannot be removed
     */
    static boolean removeIfSame(Path path, Object key) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(path, SOCKET_ATTRS, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return false;
        }
        if (!identity(a).equals(key)) {
            return false;
        }
        return Files.deleteIfExists(path);
    }

    /** @return the device and inode (the file key) of {@code unix:} attributes read with {@code fileKey} */
    private static Object key(Map<String, Object> unixAttrs) {
        return unixAttrs.get("fileKey");
    }

    /**
     * @return a socket file's device, inode and modification time (read with {@link #SOCKET_ATTRS}): the inode of a
     *         removed file is soon given to a new one, but the new one was bound at another time (nanoseconds);
     *         link, unlink and chmod do not change it
     */
    private static Object identity(Map<String, Object> unixAttrs) {
        return java.util.List.of(unixAttrs.get("fileKey"), unixAttrs.get("lastModifiedTime"));
    }

    /** @return the filesystem uid of this process (owner of the files it makes), or -1 where /proc does not say */
    private static int fsuid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+"); // real, effective, saved, filesystem
                    return Integer.parseInt(ids[ids.length - 1]);
                }
            }
        } catch (IOException | RuntimeException noProc) {
            // not Linux: the private directory is checked for its mode only
        }
        return -1;
    }

    /** An open directory and the path that names it through its descriptor. */
    private static final class Dir implements AutoCloseable {
        final Path path;
        final DirectoryStream<Path> stream;
        /** {@code /proc/self/fd/N} of the open directory, or {@link #path} where there is no such name. */
        final Path anchor;
        final Object key;
        final int mode;
        final int uid;

        private Dir(Path path, DirectoryStream<Path> stream, Path anchor, Map<String, Object> attrs) {
            this.path = path;
            this.stream = stream;
            this.anchor = anchor;
            this.key = key(attrs);
            this.mode = (Integer) attrs.get("mode");
            this.uid = (Integer) attrs.get("uid");
        }

        /**
         * @param path the directory
         * @param in the open directory holding it, to open it by name without following a link, or null
         * @param nameIn its name there
         */
        static Dir open(Path path, Dir in, Path nameIn) throws IOException {
            DirectoryStream<Path> stream = null;
            try {
                Path anchor = null;
                OPENS.lock();
                try {
                    Map<String, String> before = fds();
                    stream = in != null && in.stream instanceof SecureDirectoryStream
                            ? ((SecureDirectoryStream<Path>) in.stream).newDirectoryStream(nameIn,
                                    LinkOption.NOFOLLOW_LINKS)
                            : Files.newDirectoryStream(in != null ? in.at(nameIn.toString()) : path);
                    if (stream instanceof SecureDirectoryStream) {
                        // fstat of the open directory: what was opened, whatever the path names now
                        Object key = ((SecureDirectoryStream<Path>) stream).getFileAttributeView(
                                BasicFileAttributeView.class).readAttributes().fileKey();
                        anchor = find(key, before);
                    }
                } finally {
                    OPENS.unlock();
                }
                if (anchor != null) {
                    return new Dir(path, stream, anchor, Files.readAttributes(anchor, "unix:mode,uid,fileKey"));
                }
                if (stream instanceof SecureDirectoryStream && Files.isDirectory(PROC_FDS)) {
                    // then it must be there: never fall back to the paths
                    throw new IOException("cannot find the descriptor of the open directory " + path + " in "
                            + PROC_FDS);
                }
                Map<String, Object> attrs = Files.readAttributes(path, "unix:mode,uid,fileKey",
                        in != null ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS} : new LinkOption[0]);
                return new Dir(path, stream, path, attrs);
            } catch (IOException | RuntimeException e) {
                if (stream != null) {
                    try {
                        stream.close();
                    } catch (IOException ignored) {
                        // failing anyway
                    }
                }
                throw e;
            }
        }

        /**
         * @return the open descriptors in /proc/self/fd with what each names (but the listing's own, free again once
         *         it is closed), empty where there is none
         */
        private static Map<String, String> fds() {
            Map<String, String> names = new java.util.HashMap<>();
            String listing = "/proc/" + ProcessHandle.current().pid() + "/fd";
            try (DirectoryStream<Path> all = Files.newDirectoryStream(PROC_FDS)) {
                for (Path p : all) {
                    String target = target(p);
                    if (target != null && !listing.equals(target)) {
                        names.put(p.getFileName().toString(), target);
                    }
                }
            } catch (IOException | RuntimeException noProc) {
                // not Linux
            }
            return names;
        }

        /** @return what the descriptor names, or null when it was closed meanwhile */
        private static String target(Path fd) {
            try {
                return Files.readSymbolicLink(fd).toString();
            } catch (IOException | RuntimeException closedMeanwhile) {
                return null;
            }
        }

        /**
         * Finds the descriptor of the directory just opened. Other threads open and close descriptors meanwhile, so
         * the new descriptor may reuse a number that was open before under another name: a descriptor on the
         * directory counts as new when its number was not open before or named something else then. Where none
         * does, ours reused the number of one that named this very directory and was closed meanwhile: any
         * descriptor on the directory is then ours or one equal to it.
         *
         * @return {@code /proc/self/fd/N} of a descriptor on the directory, preferring one opened since
         *         {@code before}, or null where there is none (not Linux)
         */
        private static Path find(Object key, Map<String, String> before) {
            Path same = null;
            try (DirectoryStream<Path> all = Files.newDirectoryStream(PROC_FDS)) {
                for (Path fd : all) {
                    try {
                        if (!key.equals(key(Files.readAttributes(fd, "unix:fileKey")))) {
                            continue;
                        }
                    } catch (IOException | RuntimeException closedOrNotAFile) {
                        continue; // closed meanwhile, or the listing's own descriptor
                    }
                    String was = before.get(fd.getFileName().toString());
                    if (was == null || !was.equals(target(fd))) {
                        return fd;
                    }
                    if (same == null) {
                        same = fd;
                    }
                }
            } catch (IOException | RuntimeException noProc) {
                // not Linux
            }
            return same;
        }

        /** @return the path of {@code name} in this directory ("" for the directory itself) */
        Path at(String name) {
            return name.isEmpty() ? anchor : anchor.resolve(name);
        }

        @Override
        public void close() {
            try {
                stream.close();
            } catch (IOException ignored) {
                // closing: nothing left to do with the error
            }
        }
    }
}
