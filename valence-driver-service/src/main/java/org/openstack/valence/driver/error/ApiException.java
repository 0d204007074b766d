package org.openstack.valence.driver.error;

/**
 * A failure the client is told about as a problem document. Each failure mode has its own
 * {@code kind} (the problem type) and title; several may share a protocol code.
 */
public abstract class ApiException extends RuntimeException {

	private final ErrorCode code;

	private final String kind;

	private final String title;

	protected ApiException(ErrorCode code, String kind, String title, String detail, Throwable cause) {
		super(detail, cause);
		this.code = code;
		this.kind = kind;
		this.title = title;
	}

	public ErrorCode code() {
		return this.code;
	}

	public String kind() {
		return this.kind;
	}

	public String title() {
		return this.title;
	}

}
