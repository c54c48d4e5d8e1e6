/**
 * End-to-end benchmarks of jipc (ping-pong round trip over Unix sockets, TCP, UDP and TLS; one-way stream over Unix
 * sockets, TCP and TLS), with the command-line driver {@link io.jipc.bench.Bench}.
 */
package io.jipc.bench;
