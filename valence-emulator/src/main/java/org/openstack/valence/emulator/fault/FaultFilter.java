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

package org.openstack.valence.emulator.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.openstack.valence.emulator.web.RequestIds;
import org.openstack.valence.emulator.web.ValenceError;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Injects the configured faults into Valence's paths ({@code /} and {@code /v1/...}),
 * never into the control API. Order: latency first, then a dropped connection, "down"
 * (503), a random 500 at error_rate; these answer without handling the request, so no
 * state changes. A malformed body is applied after the request was handled: the change
 * happened, the client just cannot read the answer.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class FaultFilter extends OncePerRequestFilter {

	private static final Pattern NODE_PATH = Pattern.compile("^/v1/nodes/([0-9a-fA-F-]{36})(/.*)?$");

	private static final byte[] EMPTY_BODY_GARBAGE = "{\"request_id\": \"".getBytes(StandardCharsets.UTF_8);

	/** How latency is served; tests pass one that records instead of waiting. */
	@FunctionalInterface
	interface Sleeper {

		void sleep(int millis) throws InterruptedException;

	}

	private final FaultRegistry faults;

	private final JsonMapper json;

	private final Sleeper sleeper;

	@Autowired
	public FaultFilter(FaultRegistry faults, JsonMapper json) {
		this(faults, json, Thread::sleep);
	}

	FaultFilter(FaultRegistry faults, JsonMapper json, Sleeper sleeper) {
		this.faults = faults;
		this.json = json;
		this.sleeper = sleeper;
	}

	/**
	 * Also when no fault is set, the usual case: then a read costs no path matching here.
	 */
	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		if (this.faults.isClear()) {
			return true;
		}
		String path = request.getRequestURI();
		return !(path.equals("/") || path.equals("/v1") || path.startsWith("/v1/"));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		FaultSettings settings = this.faults.effective(nodeOf(request.getRequestURI()));
		if (settings.latencyMs() > 0) {
			sleep(settings.latencyMs());
		}
		if (settings.dropConnection()) {
			if (!ConnectionDropValve.drop(request)) {
				error(response, request, HttpStatus.INTERNAL_SERVER_ERROR, "Internal Server Error",
						"drop_connection needs the emulator's embedded Tomcat");
			}
			return;
		}
		if (settings.down()) {
			error(response, request, HttpStatus.SERVICE_UNAVAILABLE, "Service Unavailable",
					"Valence is down (emulated fault)");
			return;
		}
		if (ThreadLocalRandom.current().nextDouble() < settings.errorRate()) {
			error(response, request, HttpStatus.INTERNAL_SERVER_ERROR, "ConnectionError",
					"Could not reach the Pod Manager (emulated fault at error_rate " + settings.errorRate() + ")");
			return;
		}
		if (settings.malformedBody()) {
			malformed(request, response, chain);
			return;
		}
		chain.doFilter(request, response);
	}

	private void error(HttpServletResponse response, HttpServletRequest request, HttpStatus status, String title,
			String detail) throws IOException {
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		this.json.writeValue(response.getOutputStream(),
				ValenceError.of(status, title, detail, RequestIds.of(request)));
	}

	/**
	 * The real answer cut in half: a strict prefix of a JSON document is never valid
	 * JSON.
	 */
	private static void malformed(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		ContentCachingResponseWrapper captured = new ContentCachingResponseWrapper(response);
		chain.doFilter(request, captured);
		byte[] body = captured.getContentAsByteArray();
		byte[] garbage = (body.length > 1) ? Arrays.copyOf(body, body.length / 2) : EMPTY_BODY_GARBAGE;
		response.setStatus(HttpStatus.OK.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setContentLength(garbage.length);
		response.getOutputStream().write(garbage);
	}

	private static UUID nodeOf(String path) {
		Matcher matcher = NODE_PATH.matcher(path);
		if (!matcher.matches()) {
			return null;
		}
		try {
			return UUID.fromString(matcher.group(1));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private void sleep(int millis) throws IOException {
		try {
			this.sleeper.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while injecting latency", ex);
		}
	}

}
