/**
 * libjipc's C functions as a jnr-ffi interface. Exported from the module only because jnr-ffi's generated
 * implementation must see it; not API: jipc's own code calls it through {@code io.jipc.internal.nativeio.NativeIo}.
 */
package io.jipc.internal.nativeio.binding;
