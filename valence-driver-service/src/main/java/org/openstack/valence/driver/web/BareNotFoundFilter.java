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
import java.io.UncheckedIOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Actuator answers a health component or group it does not have with a bare 404 and no
 * body. Turned into an error, it reaches the error page, which answers it with a problem
 * document like any other path the API does not have.
 */
class BareNotFoundFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter(request, new HttpServletResponseWrapper(response) {

			@Override
			public void setStatus(int status) {
				if (status != SC_NOT_FOUND || isCommitted()) {
					super.setStatus(status);
					return;
				}
				try {
					sendError(status);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}

		});
	}

}
