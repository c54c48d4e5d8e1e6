package io.jipc.internal;

import java.util.concurrent.CompletionStage;

/** The connection a request came on: sends its reply in the connection's codec. */
public interface Replier {
    /**
     * @param type the request's type
     * @param re the request's id
     * @param data the reply's data (ignored when errorCode is set)
     * @param errorCode null for success, else the failure's code
     * @param errorMessage the failure's message
     * @return completes when the reply reached the kernel
     */
    CompletionStage<Void> sendReply(String type, long re, Object data, String errorCode, String errorMessage);
}
