package dev.whispem.e2e.containers;

import static org.junit.jupiter.api.Assumptions.abort;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * The project's locally built images, and the one-line reason a container test cannot run when the
 * engine or an image is missing (built by e2e/images/build-images.sh during `./mvnw verify`).
 */
public final class LocalImages {

    public static final String NODE = "minikv-node:latest";
    public static final String OPERATOR = "minikv-operator:latest";
    public static final String WHISPEM_RUNTIME = "whispem-runtime:latest";

    private LocalImages() {}

    /** Returns the image, or aborts the calling test (reported as skipped) saying why. */
    public static DockerImageName require(String image) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            abort(
                    "no Docker engine reachable: container tests skipped (start dockerd to run them)");
        }
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
        } catch (RuntimeException missing) {
            abort(
                    "image "
                            + image
                            + " is not built: run e2e/images/build-images.sh after ./mvnw package");
        }
        return DockerImageName.parse(image);
    }
}
