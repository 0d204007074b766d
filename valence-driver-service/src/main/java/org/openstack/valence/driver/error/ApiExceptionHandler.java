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

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.openstack.valence.driver.node.UnsupportedPowerStateException;
import org.openstack.valence.driver.shutdown.ShutdownException;
import org.openstack.valence.driver.valence.ValenceArgumentException;
import org.openstack.valence.driver.valence.ValenceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place that turns failures into RFC 9457 problem documents with the protocol's
 * {@code code} and the {@code request_id}. The service's own failures are Spring's
 * {@link ErrorResponseException}s whose document carries the code; the Valence client's,
 * which know nothing of the API, get theirs from {@link ValenceProblems}.
 *
 * <p>
 * Everything the client got wrong that Spring MVC itself detects (wrong method or media
 * type, unreadable or invalid body) is INVALID_REQUEST with status 400, because the
 * contract ties each status to one code; a route the API does not have is
 * ROUTE_NOT_FOUND, so that it is not taken for a missing node.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

	@ExceptionHandler({ ValenceException.class, UnsupportedPowerStateException.class, ValenceArgumentException.class,
			ShutdownException.class })
	ResponseEntity<Object> handleValenceFailure(RuntimeException ex, HttpServletRequest request,
			HttpServletResponse response) {
		return answer(ValenceProblems.of(ex), request, response);
	}

	/**
	 * Logs the reason of a 5xx: the service could not do its job; a client's mistake is
	 * not logged.
	 */
	private static ResponseEntity<Object> answer(ProblemDetail problem, HttpServletRequest request,
			HttpServletResponse response) {
		if (HttpStatus.valueOf(problem.getStatus()).is5xxServerError()) {
			log.warn("{} {} failed: {} ({})", request.getMethod(), request.getRequestURI(),
					problem.getProperties().get("code"), problem.getDetail());
		}
		return ResponseEntity.status(problem.getStatus()).body(ProblemDocuments.decorate(problem, request, response));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> handleUnexpected(Exception ex, HttpServletRequest request,
			HttpServletResponse response) {
		return ResponseEntity.internalServerError().body(internalError(ex, request, response));
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		HttpServletRequest servletRequest = ((ServletWebRequest) request).getRequest();
		HttpServletResponse servletResponse = ((ServletWebRequest) request).getResponse();
		if (ex instanceof ErrorResponseException failure && isOwn(failure.getBody())) {
			return answer(failure.getBody(), servletRequest, servletResponse);
		}
		if (!statusCode.is4xxClientError()) {
			return ResponseEntity.internalServerError().body(internalError(ex, servletRequest, servletResponse));
		}
		ProblemDetail problem = ProblemDocuments.decorate(
				(statusCode.value() == HttpStatus.NOT_FOUND.value())
						? ProblemDocuments.routeNotFound(servletRequest.getMethod(), servletRequest.getRequestURI())
						: ProblemDocuments.invalidRequest(clientErrorDetail(ex, body)),
				servletRequest, servletResponse);
		HttpHeaders kept = new HttpHeaders();
		if (headers.getAllow() != null && !headers.getAllow().isEmpty()) {
			kept.setAllow(headers.getAllow());
		}
		return ResponseEntity.status(problem.getStatus()).headers(kept).body(problem);
	}

	/**
	 * Whether the document is one of this service's failures, which carries its protocol
	 * code, rather than one of Spring MVC's own.
	 */
	private static boolean isOwn(ProblemDetail problem) {
		return problem.getProperties() != null && problem.getProperties().containsKey("code");
	}

	/**
	 * Tells the client nothing of the internals; the log has them under the same request
	 * id.
	 */
	private static ProblemDetail internalError(Exception ex, HttpServletRequest request, HttpServletResponse response) {
		log.error("{} {} failed unexpectedly", request.getMethod(), request.getRequestURI(), ex);
		return ProblemDocuments.decorate(ProblemDocuments.internalError(), request, response);
	}

	private static String clientErrorDetail(Exception ex, Object body) {
		if (ex instanceof HttpMessageNotReadableException unreadable) {
			return unreadableDetail(unreadable);
		}
		if (ex instanceof MethodArgumentNotValidException invalid) {
			return invalid.getBindingResult()
				.getFieldErrors()
				.stream()
				.map((error) -> describe(error, null))
				.sorted()
				.collect(Collectors.joining("; "));
		}
		if (ex instanceof HandlerMethodValidationException invalid) {
			return invalid.getParameterValidationResults()
				.stream()
				.flatMap((result) -> result.getResolvableErrors()
					.stream()
					.map((error) -> describe(error, result.getMethodParameter().getParameterName())))
				.sorted()
				.collect(Collectors.joining("; "));
		}
		if (body instanceof ProblemDetail problem && problem.getDetail() != null) {
			return problem.getDetail();
		}
		return ex.getMessage();
	}

	/**
	 * Says which field was wrong and what it must be. Jackson's own message is passed on
	 * only for a body it could not parse (no echo of the body: Jackson shows no source
	 * and cuts tokens short).
	 */
	private static String unreadableDetail(HttpMessageNotReadableException ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof BodyTooLargeException tooLarge) {
				return tooLarge.getMessage();
			}
		}
		Throwable cause = ex.getCause();
		if (cause instanceof UnrecognizedPropertyException unknown) {
			return "unknown field '" + unknown.getPropertyName() + "'; known fields: " + unknown.getKnownPropertyIds();
		}
		if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
			return "field '" + path(mismatch) + "' must be " + expected(mismatch.getTargetType());
		}
		if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
			return "field '" + path(jackson) + "': " + jackson.getOriginalMessage();
		}
		if (cause instanceof StreamReadException unparsable) {
			return "the request body is not acceptable JSON: " + unparsable.getOriginalMessage();
		}
		return "the request body is missing or is not a JSON object of the expected shape";
	}

	private static String expected(Class<?> type) {
		if (type == null) {
			return "of another JSON type";
		}
		if (type.isEnum()) {
			return "one of " + Arrays.toString(type.getEnumConstants());
		}
		if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
			return "a JSON integer";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		if (type == String.class) {
			return "a JSON string";
		}
		return "of another JSON type";
	}

	private static String path(JacksonException ex) {
		return ex.getPath()
			.stream()
			.map((ref) -> (ref.getPropertyName() != null) ? ref.getPropertyName() : String.valueOf(ref.getIndex()))
			.collect(Collectors.joining("."));
	}

	/** Names the JSON field of a body's error, or the parameter of a path variable's. */
	private static String describe(MessageSourceResolvable error, String parameter) {
		String name = (error instanceof FieldError field) ? jsonName(field.getField()) : parameter;
		return name + " " + error.getDefaultMessage();
	}

	/** Validation messages name record components; clients know the JSON names. */
	private static String jsonName(String field) {
		return field.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
	}

}
