/** One jipc connection's protocol (decoding, requests, guards) and its outbound queue, shared by every endpoint. */
package io.jipc.internal.connection;
