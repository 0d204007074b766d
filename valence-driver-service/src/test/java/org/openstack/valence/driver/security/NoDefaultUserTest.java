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
				"--server.port=0", "--server.address=127.0.0.1", "--valence-driver.token=" + ServiceTest.TOKEN,
				"--valence.url=http://127.0.0.1:9")) {
			assertThat(context.getBeanProvider(UserDetailsService.class).getIfAvailable()).isNull();
		}
		assertThat(output.getAll()).contains("Tomcat started on port")
			.doesNotContain("security password")
			.doesNotContain("UserDetailsService");
	}

}
