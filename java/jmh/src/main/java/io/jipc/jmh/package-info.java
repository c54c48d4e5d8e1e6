/**
 * JMH micro benchmarks of jipc's wire codecs: what one message costs in CPU and allocation, apart from sockets.
 * Run {@code java -jar java/jmh/target/jipc-jmh.jar} (add {@code -prof gc} for bytes allocated per operation).
 */
package io.jipc.jmh;
