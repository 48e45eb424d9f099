package io.sluice.simulator;

/** A run that cannot start or go on; the message is one line for the person at the terminal. */
public final class SimulatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimulatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
