/** node-ipc's examples written with jipc: each class is one runnable example ({@link io.jipc.examples.Examples}). */
package io.jipc.examples;
