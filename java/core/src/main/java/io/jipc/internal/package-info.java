/** jipc internals: the server, client and socket implementations behind the public API. Not API. */
package io.jipc.internal;
