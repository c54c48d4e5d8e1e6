/** TLS for jipc: PEM loading, the SSLContext built from IpcConfig.tls, and an SSLEngine layer over a channel. */
package io.jipc.internal.tls;
