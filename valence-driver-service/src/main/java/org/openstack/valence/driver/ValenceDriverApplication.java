package org.openstack.valence.driver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

/**
 * Ironic's valence hardware type talks to this service; it talks to Valence. Spring
 * Boot's in-memory user is left out: the bearer token filter is the only way in, and that
 * user would only print a password nothing accepts.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class ValenceDriverApplication {

	public static void main(String[] args) {
		SpringApplication.run(ValenceDriverApplication.class, args);
	}

}
