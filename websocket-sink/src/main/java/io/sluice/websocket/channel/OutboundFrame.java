package io.sluice.websocket.channel;

import io.sluice.update.WindowVersion;
import io.sluice.websocket.broker.StreamPosition;

import java.util.Deque;
import java.util.Iterator;

/**
 * A frame on its way to clients: its bytes, made once for every recipient.
 *
 * @param bytes the UTF-8 text frame
 * @param conflationKey frames with equal keys carry the same tags of the same channel, so a newer
 *     one may replace an older one waiting in a queue; null for frames that must all arrive
 * @param windowStart the window the frame's update is of, to never replace a newer by an older
 * @param streamId the stream position of the entry it came from, or null
 */
public record OutboundFrame(
        byte[] bytes, String conflationKey, long windowStart, StreamPosition streamId) {
    /** A frame that is never conflated and has no stream position: protocol replies, events. */
    public static OutboundFrame of(byte[] bytes) {
        return new OutboundFrame(bytes, null, 0, null);
    }

    /**
     * Conflation, the one rule for every queue of frames: puts {@code frame} at the end of {@code
     * frames} in place of the newest waiting frame it may replace; false (nothing changed) when
     * there is none.
     */
    public static boolean replaceIn(Deque<OutboundFrame> frames, OutboundFrame frame) {
        Iterator<OutboundFrame> it = frames.descendingIterator();
        while (it.hasNext()) {
            if (frame.replaces(it.next())) {
                it.remove();
                frames.add(frame);
                return true;
            }
        }
        return false;
    }

    /** True when this frame may take the place of {@code older} in a queue. */
    public boolean replaces(OutboundFrame older) {
        return conflationKey != null
                && conflationKey.equals(older.conflationKey)
                && WindowVersion.supersedes(windowStart, older.windowStart);
    }
}
