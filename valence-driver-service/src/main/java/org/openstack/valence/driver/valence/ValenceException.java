package org.openstack.valence.driver.valence;

import org.openstack.valence.driver.error.ApiException;
import org.openstack.valence.driver.error.ErrorCode;

/**
 * A call to Valence failed. Each failure mode is its own subclass with its own
 * problem type and title; the detail carries Valence's own words when it sent
 * any.
 */
public abstract sealed class ValenceException extends ApiException {

	private final String outcome;

	private final boolean transientFailure;

	ValenceException(ErrorCode code, String kind, String title, String detail, Throwable cause,
			boolean transientFailure) {
		super(code, kind, title, detail, cause);
		this.outcome = kind.replace("valence-", "").replace('-', '_');
		this.transientFailure = transientFailure;
	}

	/** The metrics tag for this failure mode. */
	public String outcome() {
		return this.outcome;
	}

	/** True when the same idempotent read may succeed if tried again. */
	public boolean isTransient() {
		return this.transientFailure;
	}

	/** Connection refused, unknown host, connection reset or closed without an answer. */
	public static final class Unreachable extends ValenceException {

		Unreachable(String detail, Throwable cause) {
			super(ErrorCode.VALENCE_UNREACHABLE, "valence-unreachable", "Valence cannot be reached", detail, cause,
					true);
		}

	}

	/** No complete answer within the configured timeouts. */
	public static final class Timeout extends ValenceException {

		Timeout(String detail, Throwable cause) {
			super(ErrorCode.VALENCE_TIMEOUT, "valence-timeout", "Valence did not answer in time", detail, cause, true);
		}

	}

	/** Valence answered 404 for a node. */
	public static final class NodeNotFound extends ValenceException {

		NodeNotFound(String detail) {
			super(ErrorCode.NODE_NOT_FOUND, "node-not-found", "Node not found in Valence", detail, null, false);
		}

	}

	/** Valence refused the request with a 4xx (schema violation, conflict, proxy auth). */
	public static final class Rejected extends ValenceException {

		Rejected(String detail) {
			super(ErrorCode.VALENCE_ERROR, "valence-rejected", "Valence rejected the request", detail, null, false);
		}

	}

	/** Valence, or the pod manager behind it, failed with a 5xx. */
	public static final class ServerError extends ValenceException {

		ServerError(String detail) {
			super(ErrorCode.VALENCE_ERROR, "valence-server-error", "Valence or its pod manager failed", detail, null,
					true);
		}

	}

	/** Valence answered, but with something that is not the documented JSON. */
	public static final class BadResponse extends ValenceException {

		BadResponse(String detail, Throwable cause) {
			super(ErrorCode.VALENCE_ERROR, "valence-bad-response", "Valence sent an unreadable answer", detail, cause,
					false);
		}

	}

}
