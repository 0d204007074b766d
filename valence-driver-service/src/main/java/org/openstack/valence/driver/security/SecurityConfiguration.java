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

package org.openstack.valence.driver.security;

import jakarta.servlet.DispatcherType;
import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.error.ProblemDocuments;
import org.openstack.valence.driver.protocol.Protocol;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Everything needs a bearer token except the index ({@code GET /}), health (status only)
 * and the OpenAPI document, which hold nothing secret, and the error page when the
 * container forwards a refused request to it (asked for directly, it needs a token like
 * any other path). A read token reads: GET of the API and the actuator (metrics included)
 * and power reads of many nodes; everything else needs a change token. Stateless: no
 * session, no CSRF token, no login page.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	AcceptedTokens acceptedTokens(TokenProperties properties) {
		return AcceptedTokens.resolve(properties);
	}

	/**
	 * No observation per security filter and per authorization decision: for a request as
	 * cheap as a power read they would be a large part of its CPU. Each request is still
	 * observed as a whole ({@code http.server.requests}).
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http, AcceptedTokens tokens, ProblemDocuments problems)
			throws Exception {
		http.csrf(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.formLogin(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.addFilterBefore(new BearerTokenFilter(tokens), AuthorizationFilter.class)
			.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.GET, "/")
				.permitAll()
				.requestMatchers("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
						"/v3/api-docs", "/v3/api-docs.yaml")
				.permitAll()
				.dispatcherTypeMatchers(DispatcherType.ERROR)
				.permitAll()
				.requestMatchers(HttpMethod.GET, "/v1/**", "/actuator/**")
				.hasRole(Role.READ_ROLE)
				.requestMatchers(HttpMethod.HEAD, "/v1/**", "/actuator/**")
				.hasRole(Role.READ_ROLE)
				.requestMatchers(HttpMethod.POST, Protocol.API_VERSION_PREFIX + "/power-reads")
				.hasRole(Role.READ_ROLE)
				.anyRequest()
				.hasRole(Role.CHANGE_ROLE))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(unauthorized(problems))
				.accessDeniedHandler(forbidden(problems)));
		return http.build();
	}

	private static AuthenticationEntryPoint unauthorized(ProblemDocuments problems) {
		return (request, response, ex) -> {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
			String detail = (request.getHeader(HttpHeaders.AUTHORIZATION) == null)
					? "send a token of the driver as 'Authorization: Bearer <token>'"
					: "the Authorization header does not carry a bearer token the driver accepts";
			problems.write(request, response,
					ProblemDocuments.of(ErrorCode.UNAUTHORIZED, "unauthorized", "Unauthorized", detail));
		};
	}

	/** A token the service accepts, but with the read role only, on a change. */
	private static AccessDeniedHandler forbidden(ProblemDocuments problems) {
		return (request, response, ex) -> problems.write(request, response,
				ProblemDocuments.of(ErrorCode.FORBIDDEN, "forbidden", "Forbidden",
						"this token has the read role: a change (power, boot device, compose, decompose) needs a token "
								+ "with the change role"));
	}

	/**
	 * The firewall rejects encoded slashes, dots and the like in paths (a hostile node id
	 * such as {@code ..%2Fpod_managers}), and control characters in header values, before
	 * any controller sees them. Its message quotes the header value, which may be the
	 * token: the detail is fixed and nothing is logged.
	 */
	@Bean
	RequestRejectedHandler requestRejectedHandler(ProblemDocuments problems) {
		return (request, response, ex) -> problems.write(request, response, ProblemDocuments.invalidRequest(
				"the request path or a header holds an encoded or unsafe sequence (such as %2F, .. or a control "
						+ "character); a node id must match " + Protocol.NODE_ID_PATTERN));
	}

}
