package dev.whispem.minikv.operator;

/** Names shared by the CRDs, the objects the operator owns and its tests: defined once, here. */
public final class Constants {
    private Constants() {}

    public static final String GROUP = "whispem.dev";
    public static final String VERSION = "v1alpha1";
    public static final String CATEGORY = "minikv";

    public static final String OPERATOR_NAME = "minikv-operator";

    // Recommended labels
    // (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/)
    public static final String LABEL_NAME = "app.kubernetes.io/name";
    public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
    public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
    public static final String LABEL_VERSION = "app.kubernetes.io/version";
    public static final String LABEL_PART_OF = "app.kubernetes.io/part-of";
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";

    public static final String APP_MINIKV = "minikv";
    public static final String APP_WHISPEM_JOB = "whispem-job";
    public static final String COMPONENT_COORDINATOR = "coordinator";
    public static final String COMPONENT_VOLUME = "volume";
    public static final String COMPONENT_PROGRAM = "program";

    /** Set to "true" on a MiniKVCluster to stop every change the operator would make. */
    public static final String ANNOTATION_PAUSED = GROUP + "/paused";

    /** Label Kubernetes puts on StatefulSet pods: the revision of the template they run. */
    public static final String LABEL_CONTROLLER_REVISION = "controller-revision-hash";

    /** Label Kubernetes puts on StatefulSet pods: the pod's name, used to address one pod. */
    public static final String LABEL_STATEFULSET_POD_NAME = "statefulset.kubernetes.io/pod-name";

    // The node (see node/): HTTP port with the client, admin and health endpoints.
    public static final int NODE_HTTP_PORT = 8080;
    public static final String NODE_HTTP_PORT_NAME = "http";
    public static final int NODE_RAFT_PORT = 9872;
    public static final String NODE_RAFT_PORT_NAME = "raft";
    public static final String NODE_LIVENESS_PATH = "/q/health/live";
    public static final String NODE_READINESS_PATH = "/q/health/ready";
    public static final String NODE_DATA_DIR = "/var/lib/minikv";
    public static final String ENV_ROLE = "MINIKV_ROLE";
    public static final String ENV_DATA_DIR = "MINIKV_DATA_DIR";

    // The Whispem job runtime image: wvm reads the program from this path.
    public static final String PROGRAM_DIR = "/program";
    public static final String PROGRAM_FILE = "program.whbc";
    public static final String ENV_MINIKV_URL = "MINIKV_URL";
    public static final String ENV_MINIKV_TOKEN = "MINIKV_TOKEN";
}
