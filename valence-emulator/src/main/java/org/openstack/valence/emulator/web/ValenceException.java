package org.openstack.valence.emulator.web;

import org.springframework.http.HttpStatus;

/**
 * A failure that Valence reports to its client with a given status, title and detail.
 */
public class ValenceException extends RuntimeException {

	private final HttpStatus status;

	private final String title;

	public ValenceException(HttpStatus status, String title, String detail) {
		super(detail);
		this.status = status;
		this.title = title;
	}

	/** A request that breaks Valence's JSON schema. */
	public static ValenceException validation(String detail) {
		return new ValenceException(HttpStatus.BAD_REQUEST, ValenceError.VALIDATION_TITLE, detail);
	}

	public static ValenceException notFound(String detail) {
		return new ValenceException(HttpStatus.NOT_FOUND, ValenceError.NOT_FOUND_TITLE, detail);
	}

	public static ValenceException conflict(String detail) {
		return new ValenceException(HttpStatus.CONFLICT, HttpStatus.CONFLICT.getReasonPhrase(), detail);
	}

	public HttpStatus status() {
		return this.status;
	}

	public String title() {
		return this.title;
	}

}
