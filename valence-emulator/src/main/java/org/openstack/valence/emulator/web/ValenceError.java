/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License. You may obtain
 * a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
 * WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
 * License for the specific language governing permissions and limitations
 * under the License.
 */

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
