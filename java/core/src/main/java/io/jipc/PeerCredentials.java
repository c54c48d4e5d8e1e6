package io.jipc;

/**
 * Who is at the other end of a Unix-domain socket, as the kernel recorded it when the peer connected
 * ({@code SO_PEERCRED}); see {@link IpcSocket#peerCredentials()} and {@link IpcConfig#allowedUids}. No node-ipc
 * equivalent.
 *
 * @param uid the peer process's effective user id
 * @param gid its effective group id
 * @param pid its process id, or -1 where the transport cannot tell: the NIO transport (the JDK's
 *     {@code ExtendedSocketOptions.SO_PEERCRED} gives user and group only); the native transport always knows it
 */
public record PeerCredentials(int uid, int gid, long pid) {
}
