package dev.whispem.minikv.operator.mock.fake;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Does in one namespace what the Job controller and kubelet would for a Job: one pod per attempt,
 * each exiting after {@code runMillis} with the next scripted exit code (0 when the script is
 * empty), retries until backoffLimit, Complete / Failed / Suspended conditions, and the counts.
 */
public final class FakeJobController implements AutoCloseable {
    public static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

    private final KubernetesClient client;
    private final String namespace;
    private final long runMillis;
    private final Map<String, Deque<Integer>> exitCodes = new ConcurrentHashMap<>();
    private final Map<String, Long> podStarted = new HashMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

    public FakeJobController(KubernetesClient client, String namespace, long runMillis) {
        this.client = client;
        this.namespace = namespace;
        this.runMillis = runMillis;
        loop.scheduleWithFixedDelay(this::tickSafely, 0, 50, TimeUnit.MILLISECONDS);
    }

    /** The exit codes of the job's successive attempts. */
    public void script(String job, Integer... codes) {
        exitCodes.put(job, new ArrayDeque<>(List.of(codes)));
    }

    private void tickSafely() {
        try {
            tick();
        } catch (KubernetesClientException e) {
            // retried on the next tick
        } catch (RuntimeException e) {
            e.printStackTrace();
        }
    }

    private void tick() {
        for (Job job : client.batch().v1().jobs().inNamespace(namespace).list().getItems()) {
            JobStatus status = job.getStatus() == null ? new JobStatus() : job.getStatus();
            if (has(status, "Complete") || has(status, "Failed")) {
                continue;
            }
            String name = job.getMetadata().getName();
            List<Pod> pods =
                    client.pods()
                            .inNamespace(namespace)
                            .withLabel(JOB_NAME_LABEL, name)
                            .list()
                            .getItems();
            Pod running =
                    pods.stream()
                            .filter(p -> "Running".equals(p.getStatus().getPhase()))
                            .findFirst()
                            .orElse(null);
            if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
                if (running != null) {
                    client.pods().inNamespace(namespace).resource(running).delete();
                }
                status.setActive(0);
                setCondition(status, "Suspended", "True", "JobSuspended");
                write(job, status);
                continue;
            }
            setCondition(status, "Suspended", "False", "JobResumed");
            if (running == null) {
                int attempt = count(status.getSucceeded()) + count(status.getFailed());
                String podName = name + "-" + attempt;
                Map<String, String> labels =
                        new HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
                labels.put(JOB_NAME_LABEL, name);
                labels.put("job-name", name);
                client.pods()
                        .inNamespace(namespace)
                        .resource(
                                new PodBuilder()
                                        .withNewMetadata()
                                        .withName(podName)
                                        .withNamespace(namespace)
                                        .withLabels(labels)
                                        .withCreationTimestamp(Instant.now().toString())
                                        .endMetadata()
                                        .withSpec(job.getSpec().getTemplate().getSpec())
                                        .withNewStatus()
                                        .withPhase("Running")
                                        .endStatus()
                                        .build())
                        .create();
                podStarted.put(podName, System.currentTimeMillis());
                status.setActive(1);
                if (status.getStartTime() == null) {
                    status.setStartTime(Instant.now().toString());
                }
                write(job, status);
                continue;
            }
            String podName = running.getMetadata().getName();
            if (System.currentTimeMillis() - podStarted.getOrDefault(podName, 0L) < runMillis) {
                continue;
            }
            Deque<Integer> script = exitCodes.getOrDefault(name, new ArrayDeque<>());
            int exitCode = script.isEmpty() ? 0 : script.poll();
            running.getStatus().setPhase(exitCode == 0 ? "Succeeded" : "Failed");
            running.getStatus()
                    .setContainerStatuses(
                            List.of(
                                    new ContainerStatusBuilder()
                                            .withName("wvm")
                                            .withNewState()
                                            .withNewTerminated()
                                            .withExitCode(exitCode)
                                            .endTerminated()
                                            .endState()
                                            .build()));
            client.pods().inNamespace(namespace).resource(running).updateStatus();
            status.setActive(0);
            if (exitCode == 0) {
                status.setSucceeded(count(status.getSucceeded()) + 1);
                status.setCompletionTime(Instant.now().toString());
                setCondition(status, "Complete", "True", "Completed");
            } else {
                status.setFailed(count(status.getFailed()) + 1);
                if (status.getFailed() > job.getSpec().getBackoffLimit()) {
                    setCondition(status, "Failed", "True", "BackoffLimitExceeded");
                }
            }
            write(job, status);
        }
    }

    private void write(Job job, JobStatus status) {
        job.setStatus(status);
        client.batch().v1().jobs().inNamespace(namespace).resource(job).updateStatus();
    }

    private static boolean has(JobStatus status, String type) {
        return status.getConditions() != null
                && status.getConditions().stream()
                        .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static void setCondition(JobStatus status, String type, String value, String reason) {
        if (status.getConditions() == null) {
            status.setConditions(new java.util.ArrayList<>());
        }
        status.getConditions().removeIf(c -> type.equals(c.getType()));
        status.getConditions()
                .add(
                        new JobConditionBuilder()
                                .withType(type)
                                .withStatus(value)
                                .withReason(reason)
                                .build());
    }

    private static int count(Integer value) {
        return value == null ? 0 : value;
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
