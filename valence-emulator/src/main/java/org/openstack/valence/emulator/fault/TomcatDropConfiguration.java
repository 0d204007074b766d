package org.openstack.valence.emulator.fault;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Puts the {@link ConnectionDropValve} in front of the embedded Tomcat. */
@Configuration(proxyBeanMethods = false)
class TomcatDropConfiguration {

	@Bean
	WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> connectionDropValve() {
		return (factory) -> factory.addEngineValves(new ConnectionDropValve());
	}

}
