package org.openstack.valence.emulator.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import org.springframework.http.HttpStatus;

/**
 * Valence's error object (the OpenStack API-WG shape), used for every error the emulator
 * answers, including injected faults and its own control API.
 */
@JsonPropertyOrder({ "request_id", "code", "status", "title", "detail" })
public record ValenceError(@JsonProperty("request_id") String requestId, String code, int status, String title,
		String detail) {

	public static final String VALIDATION_TITLE = "Validation Error";

	public static final String NOT_FOUND_TITLE = "Resource could not be found";

	/** Valence's code is the HTTP reason phrase ("Bad Request", "Not Found", ...). */
	public static ValenceError of(HttpStatus status, String title, String detail, String requestId) {
		return new ValenceError(requestId, status.getReasonPhrase(), status.value(), title, detail);
	}

}
