package io.sluice.local;

/**
 * A service could not be started or reached.
 *
 * <p>The message is one sentence that names the service and the address, fit to be shown alone
 * (LocalServicesMain prints just the message); the cause keeps the detail.
 */
public class ServiceStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServiceStartException(String message) {
        super(message);
    }

    public ServiceStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
