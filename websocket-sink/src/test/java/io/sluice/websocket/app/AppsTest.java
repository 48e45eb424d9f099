package io.sluice.websocket.app;

import io.sluice.config.ConfigException;
import io.sluice.config.SluiceConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppsTest {
    /** The example in conf/, as the README tells users to start from it. */
    private static final Path EXAMPLE = Path.of("../conf/apps.example.json");

    @TempDir Path dir;

    private static Apps load(Map<String, String> flags) {
        return Apps.fromConfig(SluiceConfig.load(Map.of(), flags));
    }

    private Apps file(String json) throws Exception {
        Path f = dir.resolve("apps.json");
        Files.writeString(f, json);
        return load(Map.of("pusher.apps.file", f.toString()));
    }

    @Test
    void withoutAFileTheSingleAppOfThePusherAppKeysIsServedWithPushersLimits() {
        Apps apps = load(Map.of());
        assertThat(apps.all()).hasSize(1);
        App app = apps.byKey("scada-key");
        assertThat(app.id()).isEqualTo("scada-app");
        assertThat(apps.byId("scada-app")).isSameAs(app);
        assertThat(app.enableClientMessages()).isFalse();
        assertThat(app.maxClientEventsPerSecond()).isEqualTo(10);
        assertThat(app.maxPresenceMembersPerChannel()).isEqualTo(100);
        assertThat(app.maxPresenceMemberBytes()).isEqualTo(1024);
        assertThat(app.webhooks()).isEmpty();
    }

    @Test
    void theDefaultAppTakesItsSettingsAndWebhooksFromItsKeys() {
        App app =
                load(Map.of(
                                "pusher.app.client.messages", "true",
                                "pusher.app.max.presence.members", "5",
                                "pusher.app.webhooks",
                                        "[{\"url\":\"http://127.0.0.1:9/hook\",\"event_types\":[\"channel_occupied\"]}]"))
                        .first();
        assertThat(app.enableClientMessages()).isTrue();
        assertThat(app.maxPresenceMembersPerChannel()).isEqualTo(5);
        assertThat(app.webhooksFor(Webhook.CHANNEL_OCCUPIED)).hasSize(1);
        assertThat(app.webhooksFor(Webhook.CHANNEL_VACATED)).isEmpty();
    }

    @Test
    void theExampleFileInConfHoldsTwoAppsInSoketisShape() {
        Apps apps = load(Map.of("pusher.apps.file", EXAMPLE.toString()));
        assertThat(apps.all()).extracting(App::id).containsExactly("scada-app", "maintenance-app");
        App maintenance = apps.byKey("maintenance-key");
        assertThat(maintenance.maxConnections()).isEqualTo(500);
        assertThat(maintenance.maxReadRequestsPerSecond()).isEqualTo(50);
        assertThat(maintenance.enableClientMessages()).isFalse();
        assertThat(maintenance.webhooks().get(0).eventTypes())
                .containsExactlyInAnyOrder(
                        "channel_occupied", "channel_vacated", "member_added", "member_removed");
        assertThat(apps.byKey("scada-key").enableClientMessages()).isTrue();
        assertThat(maintenance.toString()).doesNotContain("secret");
    }

    @Test
    void aMalformedWebhookUrlIsAnErrorNamingTheKeyTheAppAndTheUrl() {
        assertThatThrownBy(
                        () ->
                                file(
                                        "{\"apps\":[{\"id\":\"a\",\"key\":\"k\",\"secret\":\"s\","
                                                + "\"webhooks\":[{\"url\":\"not a url\",\"event_types\":[\"channel_occupied\"]}]}]}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pusher.apps.file")
                .hasMessageContaining("app 1")
                .hasMessageContaining("not a url");
        assertThatThrownBy(
                        () ->
                                file(
                                        "{\"apps\":[{\"id\":\"a\",\"key\":\"k\",\"secret\":\"s\","
                                                + "\"webhooks\":[{\"url\":\"ftp://h/x\",\"event_types\":[\"channel_occupied\"]}]}]}"))
                .hasMessageContaining("not an http or https URL");
        assertThatThrownBy(
                        () ->
                                load(
                                        Map.of(
                                                "pusher.app.webhooks",
                                                "[{\"url\":\"http://h/x\",\"event_types\":[\"channel_ocupied\"]}]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pusher.app.webhooks")
                .hasMessageContaining("channel_ocupied");
    }

    @Test
    void mistakesInTheFileNameTheAppAndTheField() {
        assertThatThrownBy(() -> file("{\"apps\":[]}")).hasMessageContaining("at least one app");
        assertThatThrownBy(() -> file("{\"apps\":[{\"id\":\"a\",\"key\":\"k\"}]}"))
                .hasMessageContaining("app 1")
                .hasMessageContaining("secret");
        assertThatThrownBy(
                        () ->
                                file(
                                        "{\"apps\":[{\"id\":\"a\",\"key\":\"k\",\"secret\":\"s\",\"maxConections\":5}]}"))
                .hasMessageContaining("unknown field maxConections");
        assertThatThrownBy(
                        () ->
                                file(
                                        "{\"apps\":[{\"id\":\"a\",\"key\":\"k\",\"secret\":\"s\",\"maxConnections\":0}]}"))
                .hasMessageContaining("maxConnections");
        assertThatThrownBy(
                        () ->
                                file(
                                        "{\"apps\":[{\"id\":\"a\",\"key\":\"k\",\"secret\":\"s\"},"
                                                + "{\"id\":\"b\",\"key\":\"k\",\"secret\":\"t\"}]}"))
                .hasMessageContaining("two apps have the key k");
        assertThatThrownBy(() -> file("not json")).hasMessageContaining("cannot read");
    }
}
