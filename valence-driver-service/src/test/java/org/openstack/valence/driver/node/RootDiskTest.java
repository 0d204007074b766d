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

package org.openstack.valence.driver.node;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.ServiceTest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.hamcrest.Matchers.nullValue;
import static org.openstack.valence.driver.TestResources.valenceError;
import static org.openstack.valence.driver.node.ValenceStubs.NODE;
import static org.openstack.valence.driver.node.ValenceStubs.VALENCE_NODE;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The node's local_gb comes from the storage Valence reports for its computer system, and
 * only the inventory read asks for it.
 */
class RootDiskTest extends ServiceTest {

	private static final String VALENCE_SYSTEM = "/v1/systems/1";

	private static String system(String storage) {
		return """
				[{"Description": "Computer System", "Name": "System 1",
				  "cpu": {"arch": "x86-64", "cores": "16", "model": "Intel Xeon"}, "health": "OK", "id": "1",
				  "location": "Systems:1_Drawer:1_Rack:1_Pod:1_", "network": "2", "ram": "32",
				  "storage": "%s", "uuid": "b0b7c7e6-0d0f-4b1e-8f57-6c1d9e0c2a11"}]
				""".formatted(storage);
	}

	private void valenceAnswersSystem(ResponseDefinitionBuilder answer) {
		valence.stubFor(WireMock.get(VALENCE_NODE).willReturn(okJson(ValenceStubs.node("On"))));
		valence.stubFor(WireMock.get(VALENCE_SYSTEM).willReturn(answer));
	}

	private void inventoryHasLocalGb(Integer localGb) throws Exception {
		this.mvc.perform(get("/v1/nodes/{id}", NODE).header("Authorization", BEARER))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.inventory.memory_mb").value(32768))
			.andExpect((localGb != null) ? jsonPath("$.inventory.local_gb").value(localGb)
					: jsonPath("$.inventory.local_gb").value(nullValue()));
	}

	@Test
	void localGbIsTheSystemsStorageLessOneAsIronicCountsIt() throws Exception {
		valenceAnswersSystem(okJson(system("447")));

		inventoryHasLocalGb(446);
		valence.verify(1, getRequestedFor(urlPathEqualTo(VALENCE_SYSTEM)));
	}

	@Test
	void aStorageUnderIronicsSmallestDiskTellsNothing() throws Exception {
		valenceAnswersSystem(okJson(system("3")));

		inventoryHasLocalGb(null);
	}

	@Test
	void aSystemValenceDoesNotListLeavesLocalGbNull() throws Exception {
		valenceAnswersSystem(okJson("[]"));

		inventoryHasLocalGb(null);
	}

	@Test
	void aNodeWithoutSystemLinkAsksNothingMore() throws Exception {
		valence.stubFor(WireMock.get(VALENCE_NODE)
			.willReturn(okJson(ValenceStubs.node("On")
				.replace("\"computer_system\": {\"@odata.id\": \"/redfish/v1/Systems/1\"},", ""))));

		inventoryHasLocalGb(null);
		valence.verify(0, getRequestedFor(urlPathMatching("/v1/systems.*")));
	}

	@Test
	void anUnsafeSystemLinkIsNotFollowed() throws Exception {
		valence.stubFor(WireMock.get(VALENCE_NODE)
			.willReturn(okJson(ValenceStubs.node("On").replace("/redfish/v1/Systems/1", "/redfish/v1/Systems/.."))));

		inventoryHasLocalGb(null);
		valence.verify(0, getRequestedFor(urlPathMatching("/v1/systems.*")));
	}

	@Test
	void garbageFromValenceLeavesLocalGbNull() throws Exception {
		for (ResponseDefinitionBuilder answer : new ResponseDefinitionBuilder[] { okJson("<html>oops</html>"),
				okJson("null"), okJson(system("lots")), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
				aResponse().withStatus(404).withBody(valenceError(404, "Not Found", "no such system")),
				aResponse().withStatus(500)
					.withBody(valenceError(500, "TypeError", "NoneType object is not subscriptable")) }) {
			valence.resetAll();
			valenceAnswersSystem(answer);

			inventoryHasLocalGb(null);
		}
	}

	@Test
	void powerReadsNeverAskForTheSystem() throws Exception {
		valenceAnswersSystem(okJson(system("447")));

		this.mvc.perform(get("/v1/nodes/{id}/power", NODE).header("Authorization", BEARER)).andExpect(status().isOk());
		valence.verify(0, getRequestedFor(urlPathMatching("/v1/systems.*")));
	}

}
