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

package org.openstack.valence.driver.error;

import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.ServiceTest;
import org.openstack.valence.driver.valence.ValenceClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A bug in the service itself: a 500 INTERNAL_ERROR problem document that tells nothing
 * of the internals.
 */
@SpringBootTest
@AutoConfigureMockMvc
class UnexpectedFailureTest {

	@Autowired
	private MockMvc mvc;

	@MockitoBean
	private ValenceClient valence;

	@Test
	void unexpectedFailureIsAnOpaqueProblemDocument() throws Exception {
		given(this.valence.getNode(eq("node-1"), any())).willThrow(new IllegalStateException("internal state at 0x1f"));

		this.mvc.perform(get("/v1/nodes/node-1/power").header("Authorization", ServiceTest.BEARER))
			.andExpect(status().isInternalServerError())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.type").value("urn:valence-driver:problem:internal-error"))
			.andExpect(jsonPath("$.detail")
				.value("The service failed unexpectedly; its log has the details " + "under this request_id."))
			.andExpect(jsonPath("$.request_id").isNotEmpty())
			.andExpect(jsonPath("$.code").value("INTERNAL_ERROR"));
	}

}
