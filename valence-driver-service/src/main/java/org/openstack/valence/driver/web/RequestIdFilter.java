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
