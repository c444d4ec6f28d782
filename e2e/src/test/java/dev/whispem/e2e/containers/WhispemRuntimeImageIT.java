package dev.whispem.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.runtime.CompileResult;
import dev.whispem.runtime.Whispem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;

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

    @Test
    void jobReadsAndWritesANodeThroughKvBuiltins(@TempDir Path tmp) throws Exception {
        var runtime = LocalImages.require(LocalImages.WHISPEM_RUNTIME);
        var nodeImage = LocalImages.require(LocalImages.NODE);
        String source =
                """
                kv_put("job/greeting", "hello from wvm")
                kv_put("job/scratch", "temporary")
                print kv_get("job/greeting")
                print length(kv_list("job/"))
                kv_delete("job/scratch")
                print kv_list("job/")
                print type_of(kv_get("job/scratch"))
                """;
        var compiled = (CompileResult.Compiled) Whispem.compile("job.wsp", source);
        Path program = tmp.resolve("program.whbc");
        Files.write(program, compiled.bytecode());
        program.toFile().setReadable(true, false);
        tmp.toFile().setExecutable(true, false);

        try (Network network = Network.newNetwork();
                GenericContainer<?> node =
                        new GenericContainer<>(nodeImage)
                                .withNetwork(network)
                                .withNetworkAliases("minikv")
                                .withExposedPorts(8080)
                                .withTmpFs(Map.of("/tmp", "rw,exec,size=256m"))
                                .waitingFor(
                                        Wait.forHttp("/q/health/ready")
                                                .forStatusCode(200)
                                                .withStartupTimeout(Duration.ofSeconds(120)))) {
            node.start();
            try (GenericContainer<?> job =
                    new GenericContainer<>(runtime)
                            .withNetwork(network)
                            .withEnv("MINIKV_URL", "http://minikv:8080")
                            .withFileSystemBind(
                                    program.toAbsolutePath().toString(),
                                    "/program/program.whbc",
                                    BindMode.READ_ONLY)
                            .withCommand("/program/program.whbc")
                            .withStartupCheckStrategy(
                                    new OneShotStartupCheckStrategy()
                                            .withTimeout(Duration.ofSeconds(60)))) {
                job.start();
                assertThat(job.getLogs(OutputFrame.OutputType.STDOUT))
                        .isEqualTo("hello from wvm\n2\n[job/greeting]\nnone\n");
            }
            // What the job wrote is in the store, as any client sees it.
            var http = java.net.http.HttpClient.newHttpClient();
            var read =
                    http.send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create(
                                                    "http://localhost:"
                                                            + node.getMappedPort(8080)
                                                            + "/v1/kv/job%2Fgreeting"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).isEqualTo("hello from wvm");
        }
    }
}
