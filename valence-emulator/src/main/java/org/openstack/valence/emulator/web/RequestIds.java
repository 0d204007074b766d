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

import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives each request the id its client sent in {@code X-Openstack-Request-Id} (or a new
 * one), so a driver's log lines and the emulator's answers can be matched; error bodies
 * carry it as {@code request_id} and the response echoes it in the same header.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestIds extends OncePerRequestFilter {

	public static final String HEADER = "X-Openstack-Request-Id";

	private static final String ATTRIBUTE = RequestIds.class.getName();

	/**
	 * Only safe tokens are echoed: a header value must never inject anything into logs or
	 * headers.
	 */
	private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

	public static String of(HttpServletRequest request) {
		Object id = request.getAttribute(ATTRIBUTE);
		return (id != null) ? id.toString() : "req-" + UUID.randomUUID();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String sent = request.getHeader(HEADER);
		String id = (sent != null && SAFE.matcher(sent).matches()) ? sent : "req-" + UUID.randomUUID();
		request.setAttribute(ATTRIBUTE, id);
		response.setHeader(HEADER, id);
		chain.doFilter(request, response);
	}

}
