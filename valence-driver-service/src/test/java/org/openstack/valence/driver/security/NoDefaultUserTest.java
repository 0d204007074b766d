package org.openstack.valence.driver.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openstack.valence.driver.ServiceTest;
import org.openstack.valence.driver.ValenceDriverApplication;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.userdetails.UserDetailsService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service starts without Spring Boot's default user: nothing accepts its password, so
 * it must be neither made nor printed.
 */
@ExtendWith(OutputCaptureExtension.class)
class NoDefaultUserTest {

	@Test
	void startUpMakesNoUserAndPrintsNoPassword(CapturedOutput output) {
		try (ConfigurableApplicationContext context = SpringApplication.run(ValenceDriverApplication.class,
				"--server.port=0", "--server.address=127.0.0.1", "--driver.auth.token=" + ServiceTest.TOKEN,
				"--valence.url=http://127.0.0.1:9")) {
			assertThat(context.getBeanProvider(UserDetailsService.class).getIfAvailable()).isNull();
		}
		assertThat(output.getAll()).contains("Tomcat started on port")
			.doesNotContain("security password")
			.doesNotContain("UserDetailsService");
	}

}
