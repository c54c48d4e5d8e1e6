/** node-ipc wire codec: byte-exact JSON frame encoding and incremental, bounded frame decoding. */
package io.jipc.internal.codec;
