package dev.whispem.minikv.operator.mock;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs under crds/ and charts/minikv-operator/crds/ are copies of what quarkus-operator-sdk
 * generates from the Java types into target/kubernetes/ when the application boots (here, for the
 * tests). This test fails when a copy is stale; run with -Dcrds.update=true to refresh them:
 *
 * <pre>./mvnw -pl operator verify -Dcrds.update=true</pre>
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class CrdFreshnessTest {
    static final Path GENERATED = Path.of("target", "kubernetes");
    static final Path REPO = Path.of("..");
    static final List<Path> COPIES =
            List.of(REPO.resolve("crds"), REPO.resolve("charts/minikv-operator/crds"));
    static final String REFRESH =
            "run `./mvnw -pl operator verify -Dcrds.update=true` and commit crds/ and charts/minikv-operator/crds/";

    @Test
    void checkedInCrdsMatchTheGeneratedOnes() throws IOException {
        List<Path> generated = crdFiles(GENERATED);
        assertThat(generated)
                .as("CRDs generated into %s", GENERATED.toAbsolutePath())
                .extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder(
                        "minikvclusters.whispem.dev-v1.yml", "whispemjobs.whispem.dev-v1.yml");
        boolean update = Boolean.getBoolean("crds.update");
        for (Path copyDir : COPIES) {
            if (update) {
                Files.createDirectories(copyDir);
                for (Path crd : generated) {
                    Files.copy(
                            crd,
                            copyDir.resolve(crd.getFileName()),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            assertThat(crdFiles(copyDir))
                    .as("CRD files in %s; %s", copyDir.normalize(), REFRESH)
                    .extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrderElementsOf(
                            generated.stream().map(p -> p.getFileName().toString()).toList());
            for (Path crd : generated) {
                Path copy = copyDir.resolve(crd.getFileName());
                assertThat(Files.readString(copy))
                        .as("%s is stale: %s", copy.normalize(), REFRESH)
                        .isEqualTo(Files.readString(crd));
            }
        }
    }

    static List<Path> crdFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".whispem.dev-v1.yml"))
                    .sorted()
                    .toList();
        }
    }
}
