package dev.whispem.minikv.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathKeysTest {

    @Test
    void plainKeysAreKeptAsTheyAre() {
        assertThat(PathKeys.decode("users/42/name")).isEqualTo("users/42/name");
        assertThat(PathKeys.decode("a+b")).isEqualTo("a+b");
    }

    @Test
    void escapesAreDecodedAsUtf8() {
        assertThat(PathKeys.decode("a%20b%2Fc")).isEqualTo("a b/c");
        assertThat(PathKeys.decode("caf%C3%A9")).isEqualTo("café");
        assertThat(PathKeys.decode("%e2%82%ac+x")).isEqualTo("€+x");
        assertThat(PathKeys.decode("ключ%20🔑")).isEqualTo("ключ 🔑");
    }

    @Test
    void malformedEscapesAreRefused() {
        assertThatThrownBy(() -> PathKeys.decode("a%2")).hasMessageContaining("percent-encoding");
        assertThatThrownBy(() -> PathKeys.decode("a%zz")).hasMessageContaining("percent-encoding");
        assertThatThrownBy(() -> PathKeys.decode("%")).hasMessageContaining("percent-encoding");
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        assertThatThrownBy(() -> PathKeys.decode("%FF%FE")).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> PathKeys.decode("%C3")).hasMessageContaining("UTF-8");
    }
}
