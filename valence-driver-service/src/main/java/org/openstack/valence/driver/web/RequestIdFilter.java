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

package org.openstack.valence.driver.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.openstack.valence.driver.protocol.Protocol;
import org.slf4j.MDC;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs first, before security, so that every log line and every problem document of a
 * request carries its id, and the response echoes it; on the error page too.
 */
public class RequestIdFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		// An error dispatch keeps the id its request was answered under, if it had one.
		String requestId = response.getHeader(Protocol.REQUEST_ID_HEADER);
		if (requestId == null) {
			requestId = RequestIds.acceptOrCreate(request.getHeader(Protocol.REQUEST_ID_HEADER));
			response.setHeader(Protocol.REQUEST_ID_HEADER, requestId);
		}
		MDC.put(RequestIds.MDC_KEY, requestId);
		try {
			chain.doFilter(request, response);
		}
		finally {
			MDC.remove(RequestIds.MDC_KEY);
		}
	}

	/**
	 * Tomcat sends some requests it refuses (TRACE) straight to the error page, without
	 * the request dispatch this filter would have seen.
	 */
	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

}
