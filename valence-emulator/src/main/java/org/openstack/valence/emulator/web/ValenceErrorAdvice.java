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

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every failure into Valence's error object, the way Valence's own Flask error
 * handlers do: schema failures are 400 "Validation Error", unknown resources 404,
 * anything unexpected 500.
 */
@RestControllerAdvice
public class ValenceErrorAdvice {

	private static final Logger log = LoggerFactory.getLogger(ValenceErrorAdvice.class);

	@ExceptionHandler
	ResponseEntity<ValenceError> valence(ValenceException ex, HttpServletRequest request) {
		return respond(ex.status(), ex.title(), ex.getMessage(), request);
	}

	@ExceptionHandler
	ResponseEntity<ValenceError> unreadable(HttpMessageNotReadableException ex, HttpServletRequest request) {
		return respond(HttpStatus.BAD_REQUEST, ValenceError.VALIDATION_TITLE, "Request body is missing or is not JSON",
				request);
	}

	@ExceptionHandler
	ResponseEntity<ValenceError> mediaType(HttpMediaTypeNotSupportedException ex, HttpServletRequest request) {
		String sent = (ex.getContentType() != null) ? "Content-Type " + ex.getContentType() : "no Content-Type";
		return respond(HttpStatus.BAD_REQUEST, ValenceError.VALIDATION_TITLE,
				"Request body must be JSON (Content-Type: application/json), got " + sent, request);
	}

	@ExceptionHandler
	ResponseEntity<ValenceError> noRoute(NoResourceFoundException ex, HttpServletRequest request) {
		return respond(HttpStatus.NOT_FOUND, ValenceError.NOT_FOUND_TITLE,
				"The requested URL /" + ex.getResourcePath() + " was not found on the server.", request);
	}

	@ExceptionHandler
	ResponseEntity<ValenceError> method(HttpRequestMethodNotSupportedException ex, HttpServletRequest request) {
		return respond(HttpStatus.METHOD_NOT_ALLOWED, HttpStatus.METHOD_NOT_ALLOWED.getReasonPhrase(),
				"The method " + ex.getMethod() + " is not allowed for the requested URL.", request);
	}

	@ExceptionHandler
	ResponseEntity<ValenceError> unexpected(Exception ex, HttpServletRequest request) {
		log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), ex);
		return respond(HttpStatus.INTERNAL_SERVER_ERROR, ex.getClass().getSimpleName(),
				"The emulator failed unexpectedly; see its log", request);
	}

	static ResponseEntity<ValenceError> respond(HttpStatus status, String title, String detail,
			HttpServletRequest request) {
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(ValenceError.of(status, title, detail, RequestIds.of(request)));
	}

}
