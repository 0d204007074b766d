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

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.openstack.valence.driver.TestResources.read;

/** A WireMock Valence's answers about one composed node. */
final class ValenceStubs {

	static final String NODE = "4d8c3732-a248-40ed-bebc-539a6ffd25c0";

	static final String VALENCE_NODE = "/v1/nodes/" + NODE;

	static final String VALENCE_ACTION = VALENCE_NODE + "/action";

	private ValenceStubs() {
	}

	/** The node detail with {@code powerState} as its node_power_state. */
	static String node(String powerState) {
		return read("valence/node-detail.json").replace("\"node_power_state\": \"On\"",
				"\"node_power_state\": \"" + powerState + "\"");
	}

	/**
	 * Valence reports the node {@code before} until it accepts an action, then
	 * {@code after}, each such answer {@code delayMs} late.
	 */
	static void actionChanges(WireMockServer valence, String before, String after, int delayMs) {
		valence.stubFor(WireMock.get(VALENCE_NODE)
			.inScenario("action")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(okJson(node(before))));
		valence.stubFor(WireMock.post(VALENCE_ACTION)
			.inScenario("action")
			.willReturn(aResponse().withStatus(204))
			.willSetStateTo("acted"));
		valence.stubFor(WireMock.get(VALENCE_NODE)
			.inScenario("action")
			.whenScenarioStateIs("acted")
			.willReturn(okJson(node(after)).withFixedDelay(delayMs)));
	}

}
