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

package org.openstack.valence.driver.error;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.openstack.valence.driver.protocol.Protocol;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * Builds the RFC 9457 documents every error answers with, so that the MVC advice, the
 * servlet error page, the servlet filters (security, firewall, body limit) and Tomcat's
 * error report valve speak the same shape.
 */
@Component
public class ProblemDocuments {

	/**
	 * The member of a failed change's problem document that lists the actions sent to
	 * Valence before it failed, in order, so that the caller knows whether Valence may
	 * have acted; an action whose answer did not come back is listed.
	 */
	public static final String ACTIONS_SENT = "actions_sent";

	private static final String TYPE_PREFIX = "urn:valence-driver:problem:";

	private static final String RETRY_AFTER_SECONDS = "1";

	private final JsonMapper json;

	public ProblemDocuments(JsonMapper json) {
		this.json = json;
	}

	public static ProblemDetail of(ErrorCode code, String kind, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(code.status(), detail);
		problem.setType(URI.create(TYPE_PREFIX + kind));
		problem.setTitle(title);
		problem.setProperty("code", code.name());
		return problem;
	}

	/**
	 * A failure whose document carries extension members (RFC 9457, section 3.2) besides
	 * those of the failure itself: what the client needs to know about the work done
	 * before it failed, e.g. the actions a power change had sent.
	 * @param failure an {@link ErrorResponseException} of this service or a failure of
	 * the Valence client, kept as the cause
	 * @param members the extension members, by name
	 * @throws IllegalArgumentException for another exception
	 */
	public static ErrorResponseException withMembers(RuntimeException failure, Map<String, Object> members) {
		ProblemDetail problem = (failure instanceof ErrorResponseException answered) ? answered.getBody()
				: ValenceProblems.of(failure);
		members.forEach(problem::setProperty);
		return new ErrorResponseException(HttpStatusCode.valueOf(problem.getStatus()), problem, failure);
	}

	/** The client's mistake, whichever layer found it; the detail says what to change. */
	public static ProblemDetail invalidRequest(String detail) {
		return of(ErrorCode.INVALID_REQUEST, "invalid-request", "Invalid request", detail);
	}

	/** The service is shutting down: this replica took no action for the request. */
	public static ProblemDetail serviceUnavailable(String detail) {
		return of(ErrorCode.SERVICE_UNAVAILABLE, "service-unavailable", "Service shutting down", detail);
	}

	/** A path the API does not have. */
	public static ProblemDetail routeNotFound(String method, String path) {
		return of(ErrorCode.ROUTE_NOT_FOUND, "route-not-found", "No such route",
				"the API has no route " + method + " " + path + "; see /v3/api-docs");
	}

	/**
	 * A fault of the service itself: nothing of the internals, the log has them under the
	 * request id.
	 */
	public static ProblemDetail internalError() {
		return of(ErrorCode.INTERNAL_ERROR, "internal-error", "Internal error",
				"The service failed unexpectedly; its log has the details under this request_id.");
	}

	/**
	 * Adds what every document carries: the path it answers, when that is a URI at all
	 * (Tomcat refuses some requests for their path), and the request id the response
	 * echoes in its header, so that the two never differ; a 503 also gets its Retry-After
	 * header.
	 */
	public static ProblemDetail decorate(ProblemDetail problem, HttpServletRequest request,
			HttpServletResponse response) {
		String path = path(request);
		if (path != null) {
			try {
				problem.setInstance(new URI(path));
			}
			catch (URISyntaxException ex) {
				// Left out: the path is what was wrong.
			}
		}
		problem.setProperty("request_id", response.getHeader(Protocol.REQUEST_ID_HEADER));
		if (problem.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
			// This replica is going away; the same address may lead to another one.
			response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
		}
		return problem;
	}

	/** The path the client asked for, also when the error page answers it. */
	static String path(HttpServletRequest request) {
		return (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String original) ? original
				: request.getRequestURI();
	}

	/** Writes a document outside Spring MVC: from a servlet filter or Tomcat. */
	public void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem)
			throws IOException {
		decorate(problem, request, response);
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		this.json.writeValue(response.getOutputStream(), problem);
	}

}
