package io.sluice.websocket.connection;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Utf8StringBuilder;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;

import java.util.Objects;

/**
 * Adapts a Jetty core WebSocket session to a {@link PusherConnection}: the session becomes its
 * {@link CoreTransport}, and the frames that come in become its text messages.
 *
 * <p>On the core API, as Centrifuge's WebSocket handler adapts a connection into a transport and a
 * client: text frames are put together into messages (up to the session's maximum, else 1009),
 * pings are answered, a binary frame is refused (1003), and the next frame is read only when the
 * last one was handled.
 */
final class PusherFrameHandler implements FrameHandler {
    private final PusherConnection connection;
    private final Utf8StringBuilder text = new Utf8StringBuilder();
    private CoreSession session;
    private boolean inText;
    private boolean refusedBinary;

    PusherFrameHandler(PusherConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        session = coreSession;
        callback.succeeded();
        connection.open(new CoreTransport(coreSession));
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        switch (frame.getOpCode()) {
            case OpCode.TEXT -> {
                inText = true;
                onText(frame, callback);
            }
            case OpCode.CONTINUATION -> {
                if (inText) {
                    onText(frame, callback);
                } else {
                    callback.succeeded();
                    session.demand();
                }
            }
            case OpCode.BINARY -> {
                callback.succeeded();
                if (!refusedBinary) {
                    refusedBinary = true;
                    connection.binaryReceived();
                }
                session.demand();
            }
            case OpCode.PING ->
                    session.sendFrame(
                            new Frame(OpCode.PONG, true, frame.getPayload()),
                            Callback.from(session::demand, callback),
                            false);
            case OpCode.PONG -> {
                callback.succeeded();
                session.demand();
            }
            default -> callback.succeeded(); // CLOSE: the session answers it
        }
    }

    private void onText(Frame frame, Callback callback) {
        try {
            if (frame.hasPayload()) {
                long max = session.getMaxTextMessageSize();
                if (frame.getPayload().remaining() + text.length() > max) {
                    connection.oversized();
                    throw new MessageTooLargeException("Message larger than " + max + " bytes");
                }
                text.append(frame.getPayload());
            }
            if (frame.isFin()) {
                inText = false;
                String message = text.takeCompleteString(BadPayloadException.InvalidUtf8::new);
                text.reset();
                connection.received(message);
            } else if (text.hasCodingErrors()) {
                throw new BadPayloadException.InvalidUtf8();
            }
            callback.succeeded();
            session.demand();
        } catch (Throwable t) {
            callback.failed(t);
        }
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        connection.sessionFailed(cause);
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        text.reset();
        connection.closed(closeStatus.getCode(), closeStatus.getReason());
        callback.succeeded();
    }
}
