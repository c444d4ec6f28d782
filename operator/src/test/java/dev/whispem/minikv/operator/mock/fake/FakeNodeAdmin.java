package dev.whispem.minikv.operator.mock.fake;

import dev.whispem.minikv.operator.Constants;
import dev.whispem.minikv.operator.admin.ClusterReport;
import dev.whispem.minikv.operator.admin.NodeAdminClient;
import dev.whispem.minikv.operator.admin.NodeAdminException;
import dev.whispem.minikv.operator.cluster.ClusterNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory MiniKV cluster answering the admin API the way the node does, from the pods that
 * exist in the mock API server: coordinator pod 0 bootstraps the metadata group; other coordinator
 * pods register (reported with {@code voting} false) and vote only once added, and only then may
 * become ready ({@link #mayBecomeReady}); a volume pod registers as soon as it exists, again after
 * a removal while it still runs; a drain moves a server's shards away over a few polls, and a
 * cancelled drain leaves the server serving (refused with a 405, as by a node version without the
 * call, after {@link #setCancelDrainSupported}(false)); a leader whose pod is gone is replaced by
 * the lowest healthy member. Unsafe calls (adding an unregistered coordinator, removing the leader,
 * removing an undrained server) fail with the node's 409.
 */
public final class FakeNodeAdmin implements NodeAdminClient {
    public static final int SHARDS = 256;

    private final KubernetesClient client;
    private final String namespace;
    private final String coordinatorSet;
    private final String volumeSet;
    private volatile int replicationFactor;
    private final Set<String> coordinators = new LinkedHashSet<>();
    private final Set<String> registered = new LinkedHashSet<>();
    private long epoch;
    private final Map<String, Integer> drainRemaining = new LinkedHashMap<>();
    private final Set<String> volumes = new LinkedHashSet<>();
    private String leader;
    private volatile boolean unavailable;
    private volatile int drainSteps = 3;
    private volatile boolean cancelDrainSupported = true;

    FakeNodeAdmin(
            KubernetesClient client, String namespace, String cluster, int replicationFactor) {
        this.client = client;
        this.namespace = namespace;
        this.coordinatorSet = cluster + "-coord";
        this.volumeSet = cluster + "-vol";
        this.replicationFactor = replicationFactor;
    }

    public Timeline timeline() {
        return Timeline.of(namespace);
    }

    public void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    public void setDrainSteps(int steps) {
        this.drainSteps = steps;
    }

    /** False: answer the cancel-drain call as a node version without it does, with a 405. */
    public void setCancelDrainSupported(boolean supported) {
        this.cancelDrainSupported = supported;
    }

    void setReplicationFactor(int replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    public synchronized void setLeader(String member) {
        leader = member;
    }

    public synchronized String leader() {
        return leader;
    }

    public synchronized Set<String> coordinatorMembers() {
        return Set.copyOf(coordinators);
    }

    public synchronized Set<String> volumeMembers() {
        return Set.copyOf(volumes);
    }

    /** Registered coordinators that do not vote (yet, or any more). */
    public synchronized Set<String> registeredCoordinators() {
        return Set.copyOf(registered);
    }

    /**
     * Whether a pod may pass its readiness probe: a coordinator once it votes (pod 0 bootstraps),
     * any volume server.
     */
    public synchronized boolean mayBecomeReady(String pod) {
        if (!pod.startsWith(coordinatorSet + "-")) {
            return true;
        }
        return ClusterNames.ordinal(pod) == 0 || coordinators.contains(pod);
    }

    @Override
    public synchronized ClusterReport clusterStatus() throws NodeAdminException {
        Map<String, Boolean> ready = podReadiness();
        String bootstrap = ClusterNames.pod(coordinatorSet, 0);
        if (unavailable || !ready.getOrDefault(bootstrap, false) && coordinators.isEmpty()) {
            throw new NodeAdminException("connection refused");
        }
        if (coordinators.isEmpty()) {
            coordinators.add(bootstrap);
            leader = bootstrap;
            epoch++;
        }
        if (!ready.getOrDefault(leader, false)) {
            coordinators.stream()
                    .filter(m -> ready.getOrDefault(m, false))
                    .min(Comparator.comparingInt(ClusterNames::ordinal))
                    .ifPresent(
                            m -> {
                                leader = m;
                                timeline().add("elected " + m);
                            });
        }
        for (String name : ready.keySet()) {
            if (name.startsWith(volumeSet + "-") && volumes.add(name)) {
                epoch++;
            }
            if (name.startsWith(coordinatorSet + "-")
                    && !coordinators.contains(name)
                    && registered.add(name)) {
                epoch++;
                timeline().add("registered " + name);
            }
        }
        drainRemaining.replaceAll(
                (m, remaining) -> Math.max(0, remaining - Math.max(1, share() / drainSteps)));
        List<ClusterReport.Coordinator> coordinatorReports = new ArrayList<>();
        for (String member : coordinators) {
            boolean healthy = ready.getOrDefault(member, false);
            coordinatorReports.add(new ClusterReport.Coordinator(member, healthy, healthy, true));
        }
        for (String member : registered) {
            coordinatorReports.add(new ClusterReport.Coordinator(member, false, false, false));
        }
        List<ClusterReport.Volume> volumeReports = new ArrayList<>();
        for (String member : volumes) {
            boolean draining = drainRemaining.containsKey(member);
            int shards = draining ? drainRemaining.get(member) : share();
            volumeReports.add(
                    new ClusterReport.Volume(
                            member, ready.getOrDefault(member, false), shards, draining));
        }
        return new ClusterReport(
                leader,
                epoch,
                replicationFactor,
                coordinatorReports,
                volumeReports,
                SHARDS,
                0,
                0,
                drainRemaining.isEmpty());
    }

    private int share() {
        long serving = volumes.stream().filter(v -> !drainRemaining.containsKey(v)).count();
        return serving == 0 ? 0 : (int) (SHARDS * (long) replicationFactor / serving);
    }

    @Override
    public synchronized DrainProgress drainVolume(String member) throws NodeAdminException {
        check();
        if (!volumes.contains(member)) {
            throw conflict("no volume server " + member);
        }
        if (!drainRemaining.containsKey(member)) {
            epoch++;
            drainRemaining.put(member, share());
            timeline().add("drain " + member);
        }
        int remaining = drainRemaining.get(member);
        return new DrainProgress(member, remaining, remaining == 0);
    }

    @Override
    public synchronized DrainCancelled cancelDrain(String member) throws NodeAdminException {
        check();
        if (!cancelDrainSupported) {
            timeline().add("cancelDrain " + member + " refused");
            throw new NodeAdminException(
                    "DELETE /v1/admin/volumes/" + member + "/drain: HTTP 405", 405, null);
        }
        if (!volumes.contains(member)) {
            throw conflict("no volume server " + member);
        }
        if (drainRemaining.remove(member) != null) {
            epoch++;
            timeline().add("cancelDrain " + member);
        }
        return new DrainCancelled(member, false, share());
    }

    @Override
    public synchronized void removeVolume(String member) throws NodeAdminException {
        check();
        if (!volumes.contains(member)) {
            return;
        }
        Integer remaining = drainRemaining.get(member);
        if (remaining == null || remaining > 0) {
            int held = remaining == null ? share() : remaining;
            throw conflict(
                    "volume server " + member + " still holds " + held + " groups; drain it first");
        }
        volumes.remove(member);
        drainRemaining.remove(member);
        epoch++;
        timeline().add("removeVolume " + member);
    }

    @Override
    public synchronized void addCoordinator(String member) throws NodeAdminException {
        check();
        if (!coordinators.contains(member) && !registered.contains(member)) {
            throw conflict("coordinator " + member + " has not registered yet; start it first");
        }
        registered.remove(member);
        if (coordinators.add(member)) {
            epoch++;
            timeline().add("addCoordinator " + member);
        }
    }

    @Override
    public synchronized void removeCoordinator(String member) throws NodeAdminException {
        check();
        if (member.equals(leader)) {
            throw conflict("coordinator " + member + " is the leader; transfer leadership first");
        }
        if (coordinators.remove(member)) {
            epoch++;
            timeline().add("removeCoordinator " + member);
        } else if (registered.remove(member)) {
            epoch++;
            timeline().add("forgetCoordinator " + member);
        }
    }

    @Override
    public synchronized void transferLeadership(String member) throws NodeAdminException {
        check();
        if (!coordinators.contains(member)) {
            throw new NodeAdminException(
                    "POST /v1/admin/leadership: HTTP 503 UNAVAILABLE: " + member + " is no member",
                    503,
                    "UNAVAILABLE");
        }
        timeline().add("transferLeadership " + leader + "->" + member);
        leader = member;
    }

    /** The 409 the node answers to a call that does not fit the cluster's state. */
    private static NodeAdminException conflict(String message) {
        return new NodeAdminException("HTTP 409 CONFLICT: " + message, 409, "CONFLICT");
    }

    private void check() throws NodeAdminException {
        if (unavailable) {
            throw new NodeAdminException("connection refused");
        }
    }

    private Map<String, Boolean> podReadiness() {
        Map<String, Boolean> ready = new LinkedHashMap<>();
        for (Pod pod :
                client.pods()
                        .inNamespace(namespace)
                        .withLabel(Constants.LABEL_NAME, Constants.APP_MINIKV)
                        .list()
                        .getItems()) {
            ready.put(pod.getMetadata().getName(), FakeStatefulSetController.isReady(pod));
        }
        return ready;
    }
}
