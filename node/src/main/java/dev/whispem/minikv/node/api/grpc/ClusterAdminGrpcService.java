package dev.whispem.minikv.node.api.grpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.whispem.minikv.admin.v1.AddCoordinatorRequest;
import dev.whispem.minikv.admin.v1.AddCoordinatorResponse;
import dev.whispem.minikv.admin.v1.CancelDrainRequest;
import dev.whispem.minikv.admin.v1.CancelDrainResponse;
import dev.whispem.minikv.admin.v1.ClusterReport;
import dev.whispem.minikv.admin.v1.DrainProgress;
import dev.whispem.minikv.admin.v1.DrainVolumeRequest;
import dev.whispem.minikv.admin.v1.GetClusterRequest;
import dev.whispem.minikv.admin.v1.RemoveCoordinatorRequest;
import dev.whispem.minikv.admin.v1.RemoveCoordinatorResponse;
import dev.whispem.minikv.admin.v1.RemoveVolumeRequest;
import dev.whispem.minikv.admin.v1.RemoveVolumeResponse;
import dev.whispem.minikv.admin.v1.TransferLeadershipRequest;
import dev.whispem.minikv.admin.v1.TransferLeadershipResponse;
import dev.whispem.minikv.node.cluster.ClusterAdmin;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Provider;
import java.util.function.Function;

/**
 * The cluster administration over gRPC ({@code minikv.admin.v1.ClusterAdmin}, minikv_admin.proto),
 * served on the HTTP port next to the JSON API of {@code ClusterResource}.
 *
 * <p>Each call is the JSON API's ({@link ClusterAdmin}, one method per call): on the metadata
 * leader it runs here, on any other node it is forwarded to the leader as that JSON request (so
 * forwarding is the JSON API's, one implementation for both). The answer, a record, a map or the
 * leader's relayed JSON, is read into the proto message through the proto3 JSON mapping, whose
 * field names are the JSON API's. Statuses become gRPC codes (see {@link #code}).
 *
 * <p>Every call may wait on Raft or on the leader (up to 90 s), so all run on worker threads.
 */
@GrpcService
public class ClusterAdminGrpcService implements dev.whispem.minikv.admin.v1.ClusterAdmin {

    /** Trailer with the JSON API's error code (CONFLICT, NOT_A_CLUSTER, NO_LEADER, ...). */
    public static final Metadata.Key<String> ERROR_CODE =
            Metadata.Key.of("minikv-error", Metadata.ASCII_STRING_MARSHALLER);

    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    // Looked up on each call, not when the gRPC server starts: the server collects its services
    // before StartupEvent, and ClusterAdmin would open storage and Raft there (NodeWiring.eager).
    private final Provider<ClusterAdmin> admin;
    private final ObjectMapper json;

    public ClusterAdminGrpcService(Provider<ClusterAdmin> admin, ObjectMapper json) {
        this.admin = admin;
        this.json = json;
    }

    @Override
    @Blocking
    public Uni<ClusterReport> getCluster(GetClusterRequest request) {
        return answer(admin.get().cluster(false), ClusterReport.newBuilder());
    }

    @Override
    @Blocking
    public Uni<DrainProgress> drainVolume(DrainVolumeRequest request) {
        return withMember(
                request.getMember(),
                m -> answer(admin.get().drain(m, false), DrainProgress.newBuilder()));
    }

    @Override
    @Blocking
    public Uni<CancelDrainResponse> cancelDrain(CancelDrainRequest request) {
        return withMember(
                request.getMember(),
                m -> answer(admin.get().cancelDrain(m, false), CancelDrainResponse.newBuilder()));
    }

    @Override
    @Blocking
    public Uni<RemoveVolumeResponse> removeVolume(RemoveVolumeRequest request) {
        return withMember(
                request.getMember(),
                m -> answer(admin.get().removeVolume(m, false), RemoveVolumeResponse.newBuilder()));
    }

    @Override
    @Blocking
    public Uni<AddCoordinatorResponse> addCoordinator(AddCoordinatorRequest request) {
        return withMember(
                request.getMember(),
                m ->
                        answer(
                                admin.get().addCoordinator(m, false),
                                AddCoordinatorResponse.newBuilder()));
    }

    @Override
    @Blocking
    public Uni<RemoveCoordinatorResponse> removeCoordinator(RemoveCoordinatorRequest request) {
        return withMember(
                request.getMember(),
                m ->
                        answer(
                                admin.get().removeCoordinator(m, false),
                                RemoveCoordinatorResponse.newBuilder()));
    }

    @Override
    @Blocking
    public Uni<TransferLeadershipResponse> transferLeadership(TransferLeadershipRequest request) {
        return withMember(
                request.getMember(),
                m ->
                        answer(
                                admin.get().transferLeadership(m, false),
                                TransferLeadershipResponse.newBuilder()));
    }

    /** Runs {@code call} with a non-blank member id, or fails with INVALID_ARGUMENT. */
    private static <T> Uni<T> withMember(String member, Function<String, Uni<T>> call) {
        if (member == null || member.isBlank()) {
            return Uni.createFrom()
                    .failure(
                            Status.INVALID_ARGUMENT
                                    .withDescription("member is required")
                                    .asRuntimeException(trailer("BAD_REQUEST")));
        }
        return call.apply(member);
    }

    /** The result of {@link ClusterAdmin#onLeader} as the proto answer or a gRPC status. */
    @SuppressWarnings("unchecked")
    private <T extends Message> Uni<T> answer(ClusterAdmin.Result r, Message.Builder out) {
        String body = r.body() instanceof ClusterAdmin.RawJson raw ? raw.json() : encode(r.body());
        if (r.status() / 100 != 2) {
            return Uni.createFrom().failure(error(r.status(), body));
        }
        try {
            PARSER.merge(body, out);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return Uni.createFrom()
                    .failure(
                            Status.INTERNAL
                                    .withDescription("unexpected answer: " + e.getMessage())
                                    .asRuntimeException());
        }
        return Uni.createFrom().item((T) out.build());
    }

    /** A JSON API error ({"error": code, "message": text}) as a gRPC status. */
    private StatusRuntimeException error(int status, String body) {
        String errorCode = null;
        String message = body;
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.isObject()) {
                errorCode = node.path("error").asText(null);
                message = node.path("message").asText(body);
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // not JSON (a proxy or a dying node answered): relay the text as it is
        }
        Status s =
                code(status)
                        .withDescription(
                                message == null || message.isEmpty() ? "HTTP " + status : message);
        return s.asRuntimeException(errorCode == null ? null : trailer(errorCode));
    }

    /** The gRPC code of a JSON API status. */
    static Status code(int status) {
        return switch (status) {
            case 400 -> Status.INVALID_ARGUMENT;
            case 404 -> Status.NOT_FOUND;
            case 409 -> Status.FAILED_PRECONDITION;
            case 502, 503, 504 -> Status.UNAVAILABLE;
            case 500 -> Status.INTERNAL;
            default -> Status.UNKNOWN;
        };
    }

    private static Metadata trailer(String errorCode) {
        Metadata m = new Metadata();
        m.put(ERROR_CODE, errorCode);
        return m;
    }

    private String encode(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
