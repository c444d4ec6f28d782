package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.junit.jupiter.api.Test;

/** Which failures of a Ratis client say that the request never left this node. */
class GroupClientsTest {

    @Test
    void aRequestRefusedByAClosedStreamWasNotSent() {
        AlreadyClosedException closed = thrownBy("onNext");

        assertThat(GroupClients.failedUnsent(closed)).isTrue();
        assertThat(GroupClients.failedUnsent(new CompletionException(closed))).isTrue();
    }

    @Test
    void aRequestFailedWhileInFlightMayHaveBeenSent() {
        // A stream closing fails the requests still waiting for their answers from elsewhere.
        assertThat(GroupClients.failedUnsent(thrownBy("onCompleted"))).isFalse();
        assertThat(GroupClients.failedUnsent(new AlreadyClosedException("no reply"))).isFalse();
        assertThat(GroupClients.failedUnsent(new IllegalStateException("other"))).isFalse();
        assertThat(GroupClients.closed(thrownBy("onCompleted"))).isTrue();
    }

    private static AlreadyClosedException thrownBy(String method) {
        AlreadyClosedException e = new AlreadyClosedException("client-1->v2 is closed.");
        e.setStackTrace(
                new StackTraceElement[] {
                    new StackTraceElement(
                            "org.apache.ratis.grpc.client.GrpcClientProtocolClient$AsyncStreamObservers",
                            method,
                            "GrpcClientProtocolClient.java",
                            364)
                });
        return e;
    }
}
