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

package org.openstack.valence.driver.connection;

import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.ServiceTest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import com.github.tomakehurst.wiremock.client.WireMock;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.openstack.valence.driver.TestResources.read;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class ConnectionControllerTest extends ServiceTest {

	@Test
	void reachableValenceReportsItsVersionAndLatency() throws Exception {
		valence.stubFor(WireMock.get("/").willReturn(okJson(read("valence/root.json"))));

		this.mvc.perform(get("/v1/connection").header("Authorization", BEARER))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.service.name").value("valence-driver-service"))
			.andExpect(jsonPath("$.service.version").value(System.getProperty("project.version")))
			.andExpect(jsonPath("$.valence.url").value(valence.baseUrl()))
			.andExpect(jsonPath("$.valence.reachable").value(true))
			.andExpect(jsonPath("$.valence.version").value("v1.0"))
			.andExpect(jsonPath("$.valence.latency_ms").value(greaterThanOrEqualTo(0.0)))
			.andExpect(jsonPath("$.valence.error").isEmpty());
	}

	@Test
	void unreachableValenceStillAnswers200WithTheReason() throws Exception {
		valence.stubFor(WireMock.get("/").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		this.mvc.perform(get("/v1/connection").header("Authorization", BEARER))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.valence.reachable").value(false))
			.andExpect(jsonPath("$.valence.version").isEmpty())
			.andExpect(jsonPath("$.valence.latency_ms").isEmpty())
			.andExpect(jsonPath("$.valence.error").value(containsString("Connection reset")));
	}

}
