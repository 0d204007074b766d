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

import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.ServiceTest;
import org.openstack.valence.driver.health.ValenceHealthIndicator;

import org.springframework.beans.factory.annotation.Autowired;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import com.github.tomakehurst.wiremock.client.WireMock;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.hamcrest.Matchers.containsString;
import static org.openstack.valence.driver.TestResources.read;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class ActuatorTest extends ServiceTest {

	@Autowired
	private ValenceHealthIndicator valenceHealth;

	/** Valence answers, and health has probed it since. */
	private void valenceUp() {
		valence.stubFor(WireMock.get("/").willReturn(okJson(read("valence/root.json"))));
		this.valenceHealth.probe();
	}

	private void valenceDown() {
		valence.stubFor(WireMock.get("/").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		this.valenceHealth.probe();
	}

	@Test
	void anonymousHealthShowsTheStatusOnly() throws Exception {
		valenceUp();

		this.mvc.perform(get("/actuator/health"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("UP"))
			.andExpect(jsonPath("$.components").doesNotExist())
			.andExpect(jsonPath("$.details").doesNotExist());
	}

	@Test
	void tokenHolderSeesValencesHealthDetails() throws Exception {
		valenceUp();

		this.mvc.perform(get("/actuator/health").header("Authorization", BEARER))
			.andExpect(jsonPath("$.components.valence.details.version").value("v1.0"));
	}

	@Test
	void readinessIsDownWhileValenceIsUnreachable() throws Exception {
		valenceDown();

		this.mvc.perform(get("/actuator/health/readiness"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(jsonPath("$.status").value("DOWN"));
	}

	@Test
	void livenessStaysUpWhileValenceIsUnreachable() throws Exception {
		valenceDown();

		this.mvc.perform(get("/actuator/health/liveness"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("UP"));
	}

	@Test
	void readinessIsUpWithValence() throws Exception {
		valenceUp();

		this.mvc.perform(get("/actuator/health/readiness")).andExpect(jsonPath("$.status").value("UP"));
	}

	@Test
	void prometheusShowsRequestAndUpstreamMetrics() throws Exception {
		valenceUp();
		this.mvc.perform(get("/v1/connection").header("Authorization", BEARER)).andExpect(status().isOk());

		this.mvc.perform(get("/actuator/prometheus").header("Authorization", BEARER))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("valence_upstream_requests_seconds_bucket{")))
			.andExpect(content().string(containsString(
					"valence_upstream_requests_seconds_count{method=\"GET\",operation=\"probe\",outcome=\"SUCCESS\",status=\"200\",")))
			.andExpect(content().string(containsString("http_server_requests_seconds_count{")));
	}

}
