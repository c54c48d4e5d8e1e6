/**
 * End-to-end benchmarks of jipc (ping-pong round trip and one-way stream over Unix sockets and TCP), with the
 * command-line driver {@link io.jipc.bench.Bench}.
 */
package io.jipc.bench;
