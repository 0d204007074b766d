package org.openstack.valence.driver.web;

import org.openstack.valence.driver.error.ProblemDocuments;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Servlet-level plumbing that must run before Spring Security and MVC. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

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
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
		return registration;
	}

	/**
	 * Tomcat would answer an encoded slash ({@code ..%2Fpod_managers}) with its own
	 * bare 400 page; letting it through means Spring Security's firewall rejects it
	 * instead, and the client gets a problem document.
	 */
	@Bean
	TomcatConnectorCustomizer encodedSlashReachesTheFirewall() {
		return (connector) -> connector.setEncodedSolidusHandling("passthrough");
	}

}
