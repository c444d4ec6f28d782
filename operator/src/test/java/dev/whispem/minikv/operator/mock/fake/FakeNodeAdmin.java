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
 * exist in the mock API server: coordinator pod 0 bootstraps the metadata group, others join only
 * when added; a volume pod registers when ready; a drain moves a server's shards away over a few
 * polls; a leader whose pod is gone is replaced by the lowest healthy member. Unsafe calls
 * (removing the leader, removing an undrained server) fail, as the node would refuse them.
 */
public final class FakeNodeAdmin implements NodeAdminClient {
    public static final int SHARDS = 256;

    private final KubernetesClient client;
    private final String namespace;
    private final String coordinatorSet;
    private final String volumeSet;
    private volatile int replicationFactor;
    private final Set<String> coordinators = new LinkedHashSet<>();
    private final Map<String, Integer> drainRemaining = new LinkedHashMap<>();
    private final Set<String> volumes = new LinkedHashSet<>();
    private final Set<String> removedVolumes = new LinkedHashSet<>();
    private String leader;
    private volatile boolean unavailable;
    private volatile int drainSteps = 3;

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
        for (Map.Entry<String, Boolean> pod : ready.entrySet()) {
            String name = pod.getKey();
            if (name.startsWith(volumeSet + "-")
                    && pod.getValue()
                    && !removedVolumes.contains(name)) {
                volumes.add(name);
            }
        }
        drainRemaining.replaceAll(
                (m, remaining) -> Math.max(0, remaining - Math.max(1, share() / drainSteps)));
        List<ClusterReport.Coordinator> coordinatorReports = new ArrayList<>();
        for (String member : coordinators) {
            boolean healthy = ready.getOrDefault(member, false);
            coordinatorReports.add(new ClusterReport.Coordinator(member, healthy, healthy));
        }
        List<ClusterReport.Volume> volumeReports = new ArrayList<>();
        for (String member : volumes) {
            boolean draining = drainRemaining.containsKey(member);
            int shards = draining ? drainRemaining.get(member) : share();
            volumeReports.add(
                    new ClusterReport.Volume(
                            member, ready.getOrDefault(member, false), shards, draining));
        }
        return new ClusterReport(leader, coordinatorReports, volumeReports, SHARDS, 0, 0);
    }

    private int share() {
        long serving = volumes.stream().filter(v -> !drainRemaining.containsKey(v)).count();
        return serving == 0 ? 0 : (int) (SHARDS * (long) replicationFactor / serving);
    }

    @Override
    public synchronized DrainProgress drainVolume(String member) throws NodeAdminException {
        check();
        if (!volumes.contains(member)) {
            throw new NodeAdminException("unknown volume server " + member);
        }
        if (!drainRemaining.containsKey(member)) {
            drainRemaining.put(member, share());
            timeline().add("drain " + member);
        }
        int remaining = drainRemaining.get(member);
        return new DrainProgress(member, remaining, remaining == 0);
    }

    @Override
    public synchronized void removeVolume(String member) throws NodeAdminException {
        check();
        Integer remaining = drainRemaining.get(member);
        if (remaining == null || remaining > 0) {
            throw new NodeAdminException(member + " still holds shards; drain it first");
        }
        volumes.remove(member);
        drainRemaining.remove(member);
        removedVolumes.add(member);
        timeline().add("removeVolume " + member);
    }

    @Override
    public synchronized void addCoordinator(String member) throws NodeAdminException {
        check();
        if (coordinators.add(member)) {
            timeline().add("addCoordinator " + member);
        }
    }

    @Override
    public synchronized void removeCoordinator(String member) throws NodeAdminException {
        check();
        if (member.equals(leader)) {
            throw new NodeAdminException(
                    "cannot remove the leader " + member + "; transfer leadership first");
        }
        if (coordinators.remove(member)) {
            timeline().add("removeCoordinator " + member);
        }
    }

    @Override
    public synchronized void transferLeadership(String member) throws NodeAdminException {
        check();
        if (!coordinators.contains(member)) {
            throw new NodeAdminException(member + " is not a coordinator");
        }
        timeline().add("transferLeadership " + leader + "->" + member);
        leader = member;
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
