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

package org.openstack.valence.emulator.web;

import java.io.IOException;
import java.net.http.HttpResponse;

import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.openstack.valence.emulator.RunningEmulator;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openstack.valence.emulator.EmulatorClient.json;

/**
 * A failure outside the controllers still reaches the client in Valence's error shape.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(ErrorDispatchHttpTest.FailingFilter.class)
class ErrorDispatchHttpTest extends RunningEmulator {

	@TestConfiguration(proxyBeanMethods = false)
	static class FailingFilter {

		@Bean
		FilterRegistrationBean<Filter> failingFilter() {
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
				throw new IllegalStateException("broken on purpose");
			});
			registration.addUrlPatterns("/v1/broken");
			return registration;
		}

	}

	@Test
	void filterFailureIsA500InValencesShape() throws IOException {
		HttpResponse<String> response = this.client.get("/v1/broken");

		assertThat(response.statusCode()).isEqualTo(500);
		JsonNode error = json(response);
		assertThat(error.propertyNames()).containsExactly("request_id", "code", "status", "title", "detail");
		assertThat(error.get("code").stringValue()).isEqualTo("Internal Server Error");
		assertThat(error.get("detail").stringValue()).doesNotContain("broken on purpose");
	}

}
