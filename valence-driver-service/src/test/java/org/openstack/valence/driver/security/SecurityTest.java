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

import java.nio.file.Path;

import com.github.tomakehurst.wiremock.client.WireMock;
import okhttp3.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openstack.valence.driver.ServiceTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.openstack.valence.driver.TestResources.valenceError;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@ExtendWith(OutputCaptureExtension.class)
class SecurityTest extends ServiceTest {

	private static final String POWER = "/v1/nodes/node-1/power";

	@Test
	void requestWithoutTokenIsUnauthorized() throws Exception {
		this.mvc.perform(get(POWER))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", "Bearer"))
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("UNAUTHORIZED"))
			.andExpect(jsonPath("$.status").value(401))
			.andExpect(jsonPath("$.detail").value(containsString("Authorization: Bearer")))
			.andExpect(jsonPath("$.request_id").isNotEmpty());
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	@Test
	void requestWithWrongTokenIsUnauthorized() throws Exception {
		this.mvc.perform(get(POWER).header("Authorization", "Bearer " + TOKEN + "x"))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.code").value("UNAUTHORIZED"))
			.andExpect(jsonPath("$.detail").value(containsString("does not carry")));
	}

	@Test
	void tokenUnderAnotherSchemeIsUnauthorized() throws Exception {
		this.mvc.perform(get(POWER).header("Authorization", "Basic " + TOKEN))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.code").value("UNAUTHORIZED"));
	}

	@Test
	void changeWithoutTokenIsUnauthorizedBeforeTheBodyIsRead() throws Exception {
		this.mvc.perform(put(POWER).contentType(MediaType.APPLICATION_JSON).content("{\"target\": \"power off\"}"))
			.andExpect(status().isUnauthorized());
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	@Test
	void connectionCheckNeedsTheToken() throws Exception {
		this.mvc.perform(get("/v1/connection")).andExpect(status().isUnauthorized());
	}

	@Test
	void prometheusNeedsTheToken() throws Exception {
		this.mvc.perform(get("/actuator/prometheus")).andExpect(status().isUnauthorized());
	}

	@Test
	void openApiDocumentIsPublic() throws Exception {
		this.mvc.perform(get("/v3/api-docs")).andExpect(status().isOk());
	}

	@Test
	void generatedTokenWouldGoUnderTheUsersHome(@Autowired TokenProperties properties) {
		assertThat(properties.tokenFile())
			.isEqualTo(Path.of(System.getProperty("user.home"), ".valence-driver", "token"));
	}

	@Test
	void secretsAppearInNoLogAndNoAnswer(CapturedOutput output) throws Exception {
		valence.stubFor(WireMock.get("/v1/nodes/node-1")
			.willReturn(aResponse().withStatus(500).withBody(valenceError(500, "Internal", "boom"))));

		MvcResult failed = this.mvc.perform(get(POWER).header("Authorization", BEARER))
			.andExpect(status().isBadGateway())
			.andReturn();
		MvcResult refused = this.mvc.perform(get(POWER).header("Authorization", "Bearer wrong-" + TOKEN))
			.andExpect(status().isUnauthorized())
			.andReturn();
		MvcResult connection = this.mvc.perform(get("/v1/connection").header("Authorization", BEARER))
			.andExpect(status().isOk())
			.andReturn();

		valence.verify(getRequestedFor(urlPathEqualTo("/v1/nodes/node-1")).withHeader("Authorization",
				equalTo(Credentials.basic("ironic", VALENCE_PASSWORD))));
		for (MvcResult result : new MvcResult[] { failed, refused, connection }) {
			assertThat(result.getResponse().getContentAsString()).doesNotContain(TOKEN)
				.doesNotContain(VALENCE_PASSWORD);
		}
		assertThat(output.getAll()).contains("boom").doesNotContain(TOKEN).doesNotContain(VALENCE_PASSWORD);
	}

}
