package io.sluice.websocket.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An apps file (pusher.apps.file) for the tests of the cluster features: {@code scada-app} with
 * client events on, small limits, and every webhook to a receiver; {@code quiet-app} with client
 * events off and the HTTP API limited to 2 a second.
 */
public final class ClusterApps {
    public static final String QUIET_ID = "quiet-app";
    public static final String QUIET_KEY = "quiet-key";
    public static final String QUIET_SECRET = "quiet-secret";
    public static final int MAX_MEMBERS = 3;
    public static final int MAX_CLIENT_EVENTS_PER_SECOND = 5;

    private ClusterApps() {}

    /**
     * Writes the file.
     *
     * @param webhookUrl where scada-app's webhooks go
     */
    public static Path write(String webhookUrl) throws IOException {
        Path file = Files.createTempFile("cluster-apps", ".json");
        file.toFile().deleteOnExit();
        Files.writeString(
                file,
                """
                {"apps": [
                  {"id": "%s", "key": "%s", "secret": "%s",
                   "enableClientMessages": true,
                   "maxClientEventsPerSecond": %d,
                   "maxPresenceMembersPerChannel": %d,
                   "maxPresenceMemberSizeInKb": 1,
                   "webhooks": [{"url": "%s", "event_types": ["channel_occupied",
                     "channel_vacated", "member_added", "member_removed", "client_event",
                     "cache_miss"]}]},
                  {"id": "%s", "key": "%s", "secret": "%s",
                   "enableClientMessages": false,
                   "maxBackendEventsPerSecond": 2,
                   "maxReadRequestsPerSecond": 2}
                ]}
                """
                        .formatted(
                                SinkFixture.APP_ID,
                                SinkFixture.KEY,
                                SinkFixture.SECRET,
                                MAX_CLIENT_EVENTS_PER_SECOND,
                                MAX_MEMBERS,
                                webhookUrl,
                                QUIET_ID,
                                QUIET_KEY,
                                QUIET_SECRET));
        return file;
    }
}
