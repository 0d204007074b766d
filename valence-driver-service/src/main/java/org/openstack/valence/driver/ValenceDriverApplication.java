package org.openstack.valence.driver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Ironic's valence hardware type talks to this service; it talks to Valence. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ValenceDriverApplication {

	public static void main(String[] args) {
		SpringApplication.run(ValenceDriverApplication.class, args);
	}

}
