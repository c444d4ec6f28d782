package dev.whispem.minikv.node.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.util.Map;

/** The whole API suite again, on RocksDB behind single-member Apache Ratis groups. */
@QuarkusTest
@TestProfile(KvApiRatisTest.RatisRocks.class)
class KvApiRatisTest extends KvApiTest {

    @Override
    protected boolean readsPassAReadIndexRound() {
        return true;
    }

    public static class RatisRocks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of(
                        "minikv.replication.engine", "ratis",
                        "minikv.replication.groups", "4",
                        "minikv.storage.backend", "rocksdb",
                        "minikv.data-dir",
                                Files.createTempDirectory("minikv-ratis-test").toString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
