package io.sluice.websocket.channel;

import io.sluice.websocket.broker.StreamPosition;

/**
 * The data of a {@code scada.data.received} event: the job's stream message with the stream id and
 * the group in front, so one channel can carry every group and a client can resume.
 *
 * <pre>{"id":"1795735269012-0","g":"plant1.area03","w":1000,"s":1795735268000,"t":{...}}</pre>
 *
 * A snapshot message adds {@code "snapshot":true}; its id is the stream's position when it was
 * taken. The job's JSON is spliced in, not parsed and written again.
 */
final class UpdatePayload {
    private UpdatePayload() {}

    /**
     * @param message the stream entry's {@code d}: a JSON object
     */
    static String of(StreamPosition id, String group, String message, boolean snapshot) {
        StringBuilder b = new StringBuilder(message.length() + group.length() + 48);
        b.append("{\"id\":\"")
                .append(id == null ? "0-0" : id.toString())
                .append("\",\"g\":\"")
                .append(group)
                .append('"');
        if (snapshot) {
            b.append(",\"snapshot\":true");
        }
        int open = message.indexOf('{');
        String rest = message.substring(open + 1).trim();
        if (!rest.equals("}")) {
            b.append(',');
        }
        return b.append(rest).toString();
    }
}
