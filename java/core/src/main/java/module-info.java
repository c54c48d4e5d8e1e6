/**
 * jipc-core: the public API ({@code io.jipc}), the node-ipc JSON and protobuf codecs, the event loop and the pure-JDK
 * NIO transport. Everything under {@code io.jipc.internal} stays inside; only the transport SPI is opened, to the native
 * transport's module, which registers itself as a {@link io.jipc.internal.transport.TransportProvider}.
 */
// "module": the qualified export names jipc-native, which is built after this module; "requires-automatic":
// protobuf-java and protobuf-java-util have no module-info, only an Automatic-Module-Name
@SuppressWarnings({"module", "requires-automatic"})
module io.jipc {
    // JsonNode and ObjectMapper appear in the public API (Message, IpcConfig)
    requires transitive com.fasterxml.jackson.databind;
    requires io.jipc.proto;
    // the protobuf codec and typed payloads use protobuf-java directly
    requires com.google.protobuf;
    // JsonFormat: the proto3 JSON form of typed payloads in JSON mode
    requires com.google.protobuf.util;
    // SO_PEERCRED (ExtendedSocketOptions), for peer credentials and allowedUids
    requires jdk.net;

    exports io.jipc;
    exports io.jipc.internal.transport to io.jipc.nativelib;

    uses io.jipc.internal.transport.TransportProvider;
}
