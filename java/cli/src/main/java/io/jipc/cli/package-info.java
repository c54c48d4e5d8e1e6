/** The {@code jipc} command line: serve, emit, listen and the node-ipc hello/world demo, printing JSON lines. */
package io.jipc.cli;
