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

import java.util.Map;

import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.openstack.valence.driver.error.ProblemDocuments;
import org.openstack.valence.driver.protocol.Protocol;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.type.LogicalType;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Servlet-level plumbing that must run before Spring Security and MVC, and how bodies are
 * read.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

	private static final String USER_DATA_LOGGING = "org.apache.juli.logging.UserDataHelper.CONFIG";

	/**
	 * What a newcomer needs who opens the service's address in a browser: where health
	 * and the API's document are, and that the rest needs a bearer token. Open, and it
	 * names nothing of the deployment.
	 */
	@Bean
	RouterFunction<ServerResponse> index() {
		Map<String, String> index = Map.of("service", "valence-driver-service", "health", "/actuator/health", "openapi",
				"/v3/api-docs.yaml", "authentication",
				"every other path needs 'Authorization: Bearer <token>': a read token for GET, power reads and "
						+ "/actuator/prometheus, a change token for power, boot device, compose and decompose");
		return RouterFunctions.route()
			.GET("/", (request) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(index))
			.build();
	}

	@Bean
	FilterRegistrationBean<RequestIdFilter> requestIdFilter() {
		FilterRegistrationBean<RequestIdFilter> registration = new FilterRegistrationBean<>(new RequestIdFilter());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Bean
	FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(DriverWebProperties properties,
			ProblemDocuments problems) {
		FilterRegistrationBean<RequestBodyLimitFilter> registration = new FilterRegistrationBean<>(
				new RequestBodyLimitFilter(properties.maxRequestBody().toBytes(), problems));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
		return registration;
	}

	/**
	 * After the request id, so that a refusal carries it, and before everything else, so
	 * that a refused request costs nothing more.
	 */
	@Bean
	FilterRegistrationBean<ShutdownFilter> shutdownFilter(InFlightRequests inFlight, ProblemDocuments problems) {
		FilterRegistrationBean<ShutdownFilter> registration = new FilterRegistrationBean<>(
				new ShutdownFilter(inFlight, problems));
		registration.addUrlPatterns(Protocol.API_VERSION_PREFIX + "/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
		return registration;
	}

	@Bean
	FilterRegistrationBean<BareNotFoundFilter> bareNotFoundFilter() {
		FilterRegistrationBean<BareNotFoundFilter> registration = new FilterRegistrationBean<>(
				new BareNotFoundFilter());
		registration.addUrlPatterns("/actuator/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
		return registration;
	}

	/**
	 * Tomcat would answer an encoded slash ({@code ..%2Fpod_managers}) with its own bare
	 * 400 page; letting it through means Spring Security's firewall rejects it instead,
	 * and the client gets a problem document.
	 */
	@Bean
	TomcatConnectorCustomizer encodedSlashReachesTheFirewall() {
		return (connector) -> connector.setEncodedSolidusHandling("passthrough");
	}

	/**
	 * Tomcat answers what it refuses before any filter runs with its own HTML page, and
	 * logs the first such request of each connection processor at INFO, the offending
	 * header line included, which may be {@code Authorization: Bearer
	 * <token>}. Its host gets {@link ProblemReportValve} instead of Spring Boot's
	 * {@link ErrorReportValve}, so this customizer has no order and runs after Spring
	 * Boot's (order 0), which adds that valve. Tomcat's documented switch for logging
	 * "invalid user data" is turned off unless the JVM was started with it set; it must
	 * be set before the connector makes its processors, which read it once.
	 */
	@Bean
	WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> tomcatRefusalsAsProblems(ProblemDocuments problems) {
		return (factory) -> {
			if (System.getProperty(USER_DATA_LOGGING) == null) {
				System.setProperty(USER_DATA_LOGGING, "NONE");
			}
			factory.addContextCustomizers((context) -> {
				StandardHost host = (StandardHost) context.getParent();
				for (Valve valve : host.getPipeline().getValves()) {
					if (valve instanceof ErrorReportValve) {
						host.getPipeline().removeValve(valve);
					}
				}
				// Tomcat adds a valve of this class at start when the host has none.
				host.setErrorReportValveClass(ProblemReportValve.class.getName());
				host.getPipeline().addValve(new ProblemReportValve(problems));
			});
		};
	}

	/**
	 * Request bodies switch servers on and off, so a body is read as written or refused,
	 * never converted on a guess: no number for an enum (Jackson would take it as the
	 * constant's index), no string, float or boolean for an integer, no number or string
	 * for a boolean, no number or boolean for a string (ALLOW_COERCION_OF_SCALARS does
	 * not cover strings), no key given twice (Jackson would keep the last), no unknown
	 * key, nothing after the document.
	 */
	@Bean
	JsonMapperBuilderCustomizer strictRequestBodies() {
		return (builder) -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.withCoercionConfig(LogicalType.Textual,
					(strings) -> strings.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
	}

}
