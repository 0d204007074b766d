/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this
 * file except in compliance with the License. You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under
 * the License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
 * KIND, either express or implied. See the License for the specific language governing
 * permissions and limitations under the License.
 */
package org.openstack.valence.driver.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.openstack.valence.driver.error.ProblemDocuments;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts the API requests in flight, and refuses new ones once the service has begun to
 * shut down, before anything is done for them: another replica may take them.
 */
class ShutdownFilter extends OncePerRequestFilter {

	private final InFlightRequests inFlight;

	private final ProblemDocuments problems;

	ShutdownFilter(InFlightRequests inFlight, ProblemDocuments problems) {
		this.inFlight = inFlight;
		this.problems = problems;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.inFlight.enter()) {
			this.problems.write(request, response, ProblemDocuments.serviceUnavailable(
					"the service is shutting down and took no action for this request; another replica may take it"));
			return;
		}
		try {
			chain.doFilter(request, response);
		}
		finally {
			this.inFlight.leave();
		}
	}

}
