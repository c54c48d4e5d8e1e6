package io.jipc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Another Unix user's process for {@link SocketRaceTest}: run as that user, from a directory holding only this class
 * file (so it uses JDK classes only, and no lambda or nested class). Prints {@code READY}, works until its standard
 * input closes, then prints {@code done N} and exits.
 *
 * <ul>
 *   <li>{@code symlink PATH TARGET}: whenever PATH is a socket, atomically replaces it with a symlink to TARGET; and
 *       whenever a directory named {@code .jipc-*} appears beside it, renames it away and puts a directory of its own
 *       in its place holding {@code s}, a symlink to TARGET. N counts the replacements.
 *   <li>{@code connect PATH}: connects to PATH over and over; N counts the connects that succeeded.
 * </ul>
 */
public final class Attacker implements Runnable {
    private static volatile boolean stop;
    private static final java.util.concurrent.atomic.AtomicLong SWAPS = new java.util.concurrent.atomic.AtomicLong();

    /** The directory to watch for private directories, or null: watch standard input. */
    private final Path dir;
    private final Path target;

    private Attacker(Path dir, Path target) {
        this.dir = dir;
        this.target = target;
    }

    /** Ends the work once standard input closes; or swaps private directories until then. */
    @Override
    public void run() {
        if (dir != null) {
            while (!stop) {
                SWAPS.addAndGet(swapPrivateDirs(dir, target));
            }
            return;
        }
        try {
            while (System.in.read() >= 0) {
                continue;
            }
        } catch (IOException closed) {
            // the same: stop
        }
        stop = true;
    }

    /**
     * @param args the mode and its arguments
     * @throws Exception to end with a stack trace
     */
    public static void main(String[] args) throws Exception {
        Thread watch = new Thread(new Attacker(null, null));
        watch.setDaemon(true);
        watch.start();
        Path path = Path.of(args[1]);
        long n = 0;
        System.out.println("READY");
        System.out.flush();
        if (args[0].equals("symlink")) {
            Path target = Path.of(args[2]);
            Path dir = path.getParent();
            Path spare = dir.resolve(path.getFileName() + ".evil");
            Thread dirs = new Thread(new Attacker(dir, target));
            dirs.start();
            while (!stop) {
                if (!Files.exists(spare, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(spare, target);
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (a.isOther()) { // the socket: swap it for the symlink
                        Files.move(spare, path, StandardCopyOption.ATOMIC_MOVE);
                        n++;
                    }
                } catch (IOException none) {
                    // nothing there, or it went first
                }
            }
            dirs.join();
            n += SWAPS.get();
        } else {
            UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
            while (!stop) {
                try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    if (c.connect(address)) {
                        n++;
                    }
                } catch (IOException refused) {
                    // no socket, or no permission
                }
            }
        }
        System.out.println("done " + n);
        System.out.flush();
    }

    private static long swapPrivateDirs(Path dir, Path target) {
        long n = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, ".jipc-*")) {
            for (Path p : all) {
                try {
                    Files.move(p, dir.resolve(".moved" + p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                    Files.createDirectory(p);
                    Files.createSymbolicLink(p.resolve("s"), target);
                    n++;
                } catch (IOException lost) {
                    // gone already
                }
            }
        } catch (IOException unreadable) {
            // try again next turn
        }
        return n;
    }
}
