/**
 * jipc-native: the native transport's Java side. It exports nothing public: jipc-core finds it as a
 * {@link io.jipc.internal.transport.TransportProvider} through {@link java.util.ServiceLoader}. libjipc itself comes
 * from the jar classified with the platform ({@code io.jipc:jipc-native:<version>:linux-x86_64}), an automatic module
 * that holds only the library.
 */
// jnr-ffi has no module-info, only an Automatic-Module-Name ("requires-transitive-automatic": the binding's
// signatures use jnr.ffi.Pointer)
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.jipc.nativelib {
    requires io.jipc;
    requires transitive org.jnrproject.ffi;
    // jnr-ffi generates its call stubs with ASM, but as an automatic module it declares no dependency on it: without
    // this, an application on the module path would have to add org.objectweb.asm itself
    requires org.objectweb.asm;

    // Only the binding interface (LibJipc, the C functions' signatures): jnr-ffi implements it in a class of its own,
    // defined at run time in an unnamed module, which sees only an unqualified export. Not API.
    exports io.jipc.internal.nativeio.binding;

    provides io.jipc.internal.transport.TransportProvider with io.jipc.internal.nativeio.NativeTransportProvider;
}
