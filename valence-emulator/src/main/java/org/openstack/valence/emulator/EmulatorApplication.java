package org.openstack.valence.emulator;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * A stateful stand-in for a Valence v1 deployment and the Pod Manager behind it.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class EmulatorApplication {

	public static void main(String[] args) {
		SpringApplication.run(EmulatorApplication.class, args);
	}

	/**
	 * Power and composition transitions are evaluated against this clock, so tests can
	 * move time by hand.
	 */
	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
