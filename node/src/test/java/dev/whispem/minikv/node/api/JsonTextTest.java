package dev.whispem.minikv.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "plain",
                "",
                "with \"quotes\" and \\backslash\\",
                "line\nbreak\r\ttab\bback\fform",
                "\u0000\u0001\u001f\u007f",
                "slash/and spaces",
                "ünïcödé ключ 鍵 \uD83D\uDE00",
            })
    void putResultParsesBackToTheSameFields(String key) throws Exception {
        String text = JsonText.putResult(key, 7, Long.MAX_VALUE);

        JsonNode node = JSON.readTree(text);
        assertThat(node.get("key").asText()).isEqualTo(key);
        assertThat(node.get("version").asLong()).isEqualTo(7);
        assertThat(node.get("revision").asLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(node.size()).isEqualTo(3);
    }

    @Test
    void controlCharactersUseTheirShortOrUnicodeEscapes() {
        StringBuilder out = new StringBuilder();
        JsonText.quote(out, "a\"b\\c\nd\u0001e\u001f");
        assertThat(out).hasToString("\"a\\\"b\\\\c\\nd\\u0001e\\u001f\"");
    }

    @Test
    void fieldsComeInTheDocumentedOrder() {
        assertThat(JsonText.putResult("k", 1, 2))
                .isEqualTo("{\"key\":\"k\",\"version\":1,\"revision\":2}");
    }
}
