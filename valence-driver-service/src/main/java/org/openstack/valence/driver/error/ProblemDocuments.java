package org.openstack.valence.driver.error;

import java.io.IOException;
import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.openstack.valence.driver.web.RequestIds;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * Builds the RFC 9457 documents every error answers with, so that the MVC
 * advice and the servlet filters (security, firewall, body limit) that run
 * before MVC speak the same shape.
 */
@Component
public class ProblemDocuments {

	static final String TYPE_PREFIX = "urn:valence-driver:problem:";

	private final JsonMapper json;

	public ProblemDocuments(JsonMapper json) {
		this.json = json;
	}

	public static ProblemDetail of(ApiException ex, String instance) {
		return of(ex.code(), ex.kind(), ex.title(), ex.getMessage(), instance);
	}

	public static ProblemDetail of(ErrorCode code, String kind, String title, String detail, String instance) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(code.status(), detail);
		problem.setType(URI.create(TYPE_PREFIX + kind));
		problem.setTitle(title);
		problem.setProperty("code", code.name());
		return decorate(problem, instance);
	}

	/** Adds what every document carries: the path it answers and the request id. */
	public static ProblemDetail decorate(ProblemDetail problem, String instance) {
		if (instance != null) {
			problem.setInstance(URI.create(instance));
		}
		problem.setProperty("request_id", RequestIds.current());
		return problem;
	}

	/** Writes a document outside Spring MVC, from a servlet filter. */
	public void write(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String kind,
			String title, String detail) throws IOException {
		ProblemDetail problem = of(code, kind, title, detail, request.getRequestURI());
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		this.json.writeValue(response.getOutputStream(), problem);
	}

}
