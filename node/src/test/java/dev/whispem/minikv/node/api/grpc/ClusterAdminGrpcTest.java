package dev.whispem.minikv.node.api.grpc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.util.JsonFormat;
import dev.whispem.minikv.admin.v1.AddCoordinatorRequest;
import dev.whispem.minikv.admin.v1.CancelDrainRequest;
import dev.whispem.minikv.admin.v1.ClusterAdminGrpc;
import dev.whispem.minikv.admin.v1.ClusterReport;
import dev.whispem.minikv.admin.v1.DrainVolumeRequest;
import dev.whispem.minikv.admin.v1.GetClusterRequest;
import dev.whispem.minikv.admin.v1.RemoveCoordinatorRequest;
import dev.whispem.minikv.admin.v1.RemoveVolumeRequest;
import dev.whispem.minikv.admin.v1.TransferLeadershipRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The gRPC admin service through a real gRPC client, on the HTTP port of a standalone node. */
@QuarkusTest
class ClusterAdminGrpcTest {

    @TestHTTPResource("/")
    URL http;

    private ManagedChannel channel;
    private ClusterAdminGrpc.ClusterAdminBlockingStub admin;

    @BeforeEach
    void connect() {
        channel =
                ManagedChannelBuilder.forAddress(http.getHost(), http.getPort())
                        .usePlaintext()
                        .build();
        admin = ClusterAdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void getClusterAnswersTheOneNodeReport() {
        ClusterReport report = admin.getCluster(GetClusterRequest.getDefaultInstance());

        String self = report.getLeader();
        assertThat(self).isNotEmpty();
        assertThat(report.getEpoch()).isZero();
        assertThat(report.getReplicationFactor()).isEqualTo(1);
        assertThat(report.getCoordinatorsList()).hasSize(1);
        assertThat(report.getCoordinators(0).getMember()).isEqualTo(self);
        assertThat(report.getCoordinators(0).getHealthy()).isTrue();
        assertThat(report.getCoordinators(0).getCaughtUp()).isTrue();
        assertThat(report.getCoordinators(0).getVoting()).isTrue();
        assertThat(report.getVolumesList()).hasSize(1);
        assertThat(report.getVolumes(0).getMember()).isEqualTo(self);
        assertThat(report.getVolumes(0).getHealthy()).isTrue();
        assertThat(report.getVolumes(0).getShards()).isEqualTo(256);
        assertThat(report.getVolumes(0).getDraining()).isFalse();
        // A standalone node leads every group of its own (minikv.replication.groups).
        assertThat(report.getVolumes(0).getLeads())
                .isEqualTo(
                        org.eclipse.microprofile.config.ConfigProvider.getConfig()
                                .getValue("minikv.replication.groups", Integer.class));
        assertThat(report.getVolumes(0).hasHttp()).isFalse(); // "http": null in JSON
        assertThat(report.getTotalShards()).isEqualTo(256);
        assertThat(report.getMovesInFlight()).isZero();
        assertThat(report.getUnderReplicatedShards()).isZero();
        assertThat(report.getBalanced()).isTrue();
    }

    @Test
    void theReportIsTheJsonApisFieldForField() throws Exception {
        // HTTP/1.1 JSON on the same port still works next to gRPC.
        String jsonReport =
                given().get("/v1/admin/cluster").then().statusCode(200).extract().asString();

        // Strict parse: a JSON field without its proto counterpart fails here.
        ClusterReport.Builder fromJson = ClusterReport.newBuilder();
        JsonFormat.parser().merge(jsonReport, fromJson);

        assertThat(admin.getCluster(GetClusterRequest.getDefaultInstance()))
                .isEqualTo(fromJson.build());
    }

    @Test
    void healthAndJsonEndpointsStillAnswerOverHttp1() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/v1/admin/status").then().statusCode(200);
    }

    @Test
    void membershipCallsOnAStandaloneNodeAreFailedPrecondition() {
        for (Executable call :
                new Executable[] {
                    () ->
                            admin.drainVolume(
                                    DrainVolumeRequest.newBuilder().setMember("v1").build()),
                    () ->
                            admin.cancelDrain(
                                    CancelDrainRequest.newBuilder().setMember("v1").build()),
                    () ->
                            admin.removeVolume(
                                    RemoveVolumeRequest.newBuilder().setMember("v1").build()),
                    () ->
                            admin.addCoordinator(
                                    AddCoordinatorRequest.newBuilder().setMember("c2").build()),
                    () ->
                            admin.removeCoordinator(
                                    RemoveCoordinatorRequest.newBuilder().setMember("c2").build()),
                    () ->
                            admin.transferLeadership(
                                    TransferLeadershipRequest.newBuilder().setMember("c2").build())
                }) {
            StatusRuntimeException e = failure(call);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription())
                    .isEqualTo("this node runs without coordinators (standalone or static peers)");
            assertThat(e.getTrailers().get(ClusterAdminGrpcService.ERROR_CODE))
                    .isEqualTo("NOT_A_CLUSTER");
        }
    }

    @Test
    void anEmptyMemberIsInvalidArgument() {
        for (Executable call :
                new Executable[] {
                    () -> admin.drainVolume(DrainVolumeRequest.getDefaultInstance()),
                    () -> admin.drainVolume(DrainVolumeRequest.newBuilder().setMember(" ").build()),
                    () -> admin.cancelDrain(CancelDrainRequest.getDefaultInstance()),
                    () -> admin.removeVolume(RemoveVolumeRequest.getDefaultInstance()),
                    () -> admin.addCoordinator(AddCoordinatorRequest.getDefaultInstance()),
                    () -> admin.removeCoordinator(RemoveCoordinatorRequest.getDefaultInstance()),
                    () -> admin.transferLeadership(TransferLeadershipRequest.getDefaultInstance())
                }) {
            StatusRuntimeException e = failure(call);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).isEqualTo("member is required");
            assertThat(e.getTrailers().get(ClusterAdminGrpcService.ERROR_CODE))
                    .isEqualTo("BAD_REQUEST");
        }
    }

    @Test
    void reflectionListsTheServiceForGrpcurl() throws Exception {
        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests =
                ServerReflectionGrpc.newStub(channel)
                        .serverReflectionInfo(
                                new StreamObserver<>() {
                                    @Override
                                    public void onNext(ServerReflectionResponse r) {
                                        services.complete(
                                                r
                                                        .getListServicesResponse()
                                                        .getServiceList()
                                                        .stream()
                                                        .map(ServiceResponse::getName)
                                                        .toList());
                                    }

                                    @Override
                                    public void onError(Throwable t) {
                                        services.completeExceptionally(t);
                                    }

                                    @Override
                                    public void onCompleted() {}
                                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();

        assertThat(services.get(30, TimeUnit.SECONDS)).contains("minikv.admin.v1.ClusterAdmin");
    }

    @Test
    void jsonStatusesMapToGrpcCodes() {
        assertThat(ClusterAdminGrpcService.code(400).getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(ClusterAdminGrpcService.code(404).getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(ClusterAdminGrpcService.code(409).getCode())
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(ClusterAdminGrpcService.code(503).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(ClusterAdminGrpcService.code(500).getCode()).isEqualTo(Status.Code.INTERNAL);
    }

    private static StatusRuntimeException failure(Executable call) {
        return catchThrowableOfType(StatusRuntimeException.class, call::execute);
    }
}
