package dev.whispem.e2e.k3s;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Where the K3s scenario runs: a K3s container started here ({@code -De2e.k3s.image=...}, needs
 * privileged Docker), or any cluster named by a kubeconfig file ({@code -De2e.kubeconfig=...}).
 * With neither, the scenario is skipped with one line saying why.
 */
final class KubernetesTarget implements AutoCloseable {

    /** Images the scenario needs inside the cluster; built by e2e/images/build-images.sh. */
    static final List<String> IMAGES =
            List.of("minikv-node:0.1.0", "minikv-operator:0.1.0", "whispem-runtime:0.1.0");

    private final K3sContainer k3s;
    private final String kubeconfigYaml;
    private final boolean imagesPreloaded;

    private KubernetesTarget(K3sContainer k3s, String kubeconfigYaml, boolean imagesPreloaded) {
        this.k3s = k3s;
        this.kubeconfigYaml = kubeconfigYaml;
        this.imagesPreloaded = imagesPreloaded;
    }

    static KubernetesTarget fromSystemProperties() throws IOException, InterruptedException {
        String image = System.getProperty("e2e.k3s.image", "");
        String kubeconfig = System.getProperty("e2e.kubeconfig", "");
        if (!kubeconfig.isBlank()) {
            return new KubernetesTarget(null, Files.readString(Path.of(kubeconfig)), false);
        }
        if (image.isBlank()) {
            String reason =
                    "K3s scenario skipped: no -De2e.k3s.image=<k3s image> (needs privileged Docker)"
                            + " or -De2e.kubeconfig=<file> given";
            System.out.println(reason);
            abort(reason);
        }
        K3sContainer k3s =
                new K3sContainer(
                        DockerImageName.parse(image).asCompatibleSubstituteFor("rancher/k3s"));
        k3s.start();
        loadImages(k3s);
        return new KubernetesTarget(k3s, k3s.getKubeConfigYaml(), true);
    }

    /** Copies our locally built images into K3s' containerd: no registry involved. */
    private static void loadImages(K3sContainer k3s) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("k3s-images");
        var docker = DockerClientFactory.instance().client();
        for (String image : IMAGES) {
            Path tar = dir.resolve(image.replace(':', '_').replace('/', '_') + ".tar");
            try (var in = docker.saveImageCmd(image).exec()) {
                Files.copy(in, tar);
            }
            k3s.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/" + tar.getFileName());
            var result =
                    k3s.execInContainer(
                            "ctr", "-n", "k8s.io", "images", "import", "/tmp/" + tar.getFileName());
            if (result.getExitCode() != 0) {
                throw new IllegalStateException(
                        "importing " + image + " into K3s failed: " + result.getStderr());
            }
        }
    }

    String kubeconfigYaml() {
        return kubeconfigYaml;
    }

    /** Images loaded by us must never be pulled; on a given cluster the user decides. */
    String pullPolicy() {
        return imagesPreloaded ? "Never" : "IfNotPresent";
    }

    @Override
    public void close() {
        if (k3s != null) {
            k3s.stop();
        }
    }
}
