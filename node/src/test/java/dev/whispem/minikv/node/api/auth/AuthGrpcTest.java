package dev.whispem.minikv.node.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.whispem.minikv.admin.v1.ClusterAdminGrpc;
import dev.whispem.minikv.admin.v1.GetClusterRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gRPC admin service shares the HTTP port, and so the admin-token rule. */
@QuarkusTest
@TestProfile(AuthApiTest.AuthOn.class)
class AuthGrpcTest {

    @TestHTTPResource("/")
    URL http;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel =
                ManagedChannelBuilder.forAddress(http.getHost(), http.getPort())
                        .usePlaintext()
                        .build();
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private ClusterAdminGrpc.ClusterAdminBlockingStub admin(String token) {
        var stub =
                ClusterAdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        if (token == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static Status.Code code(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        return e == null ? Status.Code.OK : e.getStatus().getCode();
    }

    @Test
    void adminTokenIsRequired() {
        GetClusterRequest request = GetClusterRequest.getDefaultInstance();
        assertThat(code(() -> admin(null).getCluster(request)))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(code(() -> admin("wrong").getCluster(request)))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(code(() -> admin(TestJwts.forTenant("a")).getCluster(request)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(() -> admin(AuthApiTest.JOB).getCluster(request)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(admin(AuthApiTest.ADMIN).getCluster(request).getTotalShards()).isEqualTo(256);
    }
}
