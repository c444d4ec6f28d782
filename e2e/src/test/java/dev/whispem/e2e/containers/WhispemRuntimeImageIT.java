package dev.whispem.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;

/** The job runtime image is small, non-root, and runs bytecode the way a WhispemJob pod does. */
class WhispemRuntimeImageIT {

    private static final Path CORPUS =
            Path.of(System.getProperty("e2e.repoRoot", ".."))
                    .resolve("whispem-runtime/src/test/resources/conformance");

    @Test
    void imageIsSmallAndRunsAsNonRoot() {
        var image = LocalImages.require(LocalImages.WHISPEM_RUNTIME);
        var inspect =
                DockerClientFactory.instance()
                        .client()
                        .inspectImageCmd(image.asCanonicalNameString())
                        .exec();
        assertThat(inspect.getSize()).as("image size in bytes").isLessThan(30L * 1024 * 1024);
        assertThat(inspect.getConfig().getUser()).isEqualTo("65532:65532");
    }

    @Test
    void runsAProgramFromAConfigMapStylePath() throws Exception {
        var image = LocalImages.require(LocalImages.WHISPEM_RUNTIME);
        String expected = Files.readString(CORPUS.resolve("algo_sieve.out"));
        try (GenericContainer<?> job =
                new GenericContainer<>(image)
                        // Mounted read-only like the ConfigMap volume of a WhispemJob pod.
                        .withFileSystemBind(
                                CORPUS.resolve("algo_sieve.whbc").toAbsolutePath().toString(),
                                "/program/program.whbc",
                                BindMode.READ_ONLY)
                        .withCommand("/program/program.whbc")
                        .withCreateContainerCmdModifier(
                                cmd -> cmd.getHostConfig().withReadonlyRootfs(true))
                        .withStartupCheckStrategy(
                                new OneShotStartupCheckStrategy()
                                        .withTimeout(Duration.ofSeconds(30)))) {
            job.start();
            assertThat(job.getLogs(OutputFrame.OutputType.STDOUT)).isEqualTo(expected);
            assertThat(job.getLogs(OutputFrame.OutputType.STDERR)).isEmpty();
        }
    }
}
