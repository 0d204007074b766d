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
