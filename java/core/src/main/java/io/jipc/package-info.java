/** jipc's public API: node-ipc's serve/connectTo/emit/on model for Java ({@link io.jipc.Ipc} is the entry point). */
package io.jipc;
