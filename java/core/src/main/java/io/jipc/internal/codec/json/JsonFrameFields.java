package io.jipc.internal.codec.json;

/**
 * What validating one JSON frame found, written by whichever parser took the frame ({@link JsonScanner} or
 * {@link JsonFallbackParser}) and read by {@link JsonFrameDecoder} right after: the type, and ranges relative to the
 * frame's start (-1: absent) of the data and of jipc's request/response keys (the last of a repeated key wins). One
 * per decoder, reused for every frame.
 */
final class JsonFrameFields {
    String frameType;
    int dataFrom;
    int dataTo;
    int idFrom = -1;
    int idTo;
    int reFrom = -1;
    int reTo;
    int errFrom = -1;
    int errTo;

    /** Forgets the request/response keys of the previous frame (a parser sets them only when present). */
    void clearKeys() {
        idFrom = -1;
        reFrom = -1;
        errFrom = -1;
    }
}
