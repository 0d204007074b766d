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

package org.openstack.valence.emulator.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Latency is checked by recording the wait it asks for, so no test depends on how long it
 * took.
 */
class FaultFilterTest {

	private final FaultRegistry faults = new FaultRegistry();

	private final List<Integer> waits = new ArrayList<>();

	private final FaultFilter filter = new FaultFilter(this.faults, JsonMapper.shared(), this.waits::add);

	private MockFilterChain run(String path) throws Exception {
		MockFilterChain chain = new MockFilterChain();
		this.filter.doFilter(new MockHttpServletRequest("GET", path), new MockHttpServletResponse(), chain);
		return chain;
	}

	@Test
	void globalLatencyDelaysValencePathsThenHandlesThem() throws Exception {
		this.faults.setGlobal(new FaultSettings(250, 0, false, false, false));

		MockFilterChain chain = run("/v1/nodes");

		assertThat(this.waits).containsExactly(250);
		assertThat(chain.getRequest()).isNotNull();
	}

	@Test
	void noLatencyMeansNoWait() throws Exception {
		run("/v1/nodes");

		assertThat(this.waits).isEmpty();
	}

	@Test
	void nodeLatencyAppliesToThatNodesPathsOnly() throws Exception {
		UUID node = UUID.randomUUID();
		this.faults.setNode(node, new FaultSettings(400, 0, false, false, false));

		run("/v1/nodes/" + node + "/action");
		run("/v1/nodes/" + UUID.randomUUID());

		assertThat(this.waits).containsExactly(400);
	}

	@Test
	void theStrongerOfGlobalAndNodeLatencyWins() throws Exception {
		UUID node = UUID.randomUUID();
		this.faults.setGlobal(new FaultSettings(100, 0, false, false, false));
		this.faults.setNode(node, new FaultSettings(300, 0, false, false, false));

		run("/v1/nodes/" + node);

		assertThat(this.waits).containsExactly(300);
	}

	@Test
	void controlPathsAreNotDelayed() throws Exception {
		this.faults.setGlobal(new FaultSettings(250, 0, false, false, false));

		run("/emulator/faults");

		assertThat(this.waits).isEmpty();
	}

	@Test
	void withoutFaultsNoRequestIsLookedAt() {
		assertThat(this.filter.shouldNotFilter(new MockHttpServletRequest("GET", "/v1/nodes"))).isTrue();

		this.faults.setNode(UUID.randomUUID(), new FaultSettings(1, 0, false, false, false));

		assertThat(this.filter.shouldNotFilter(new MockHttpServletRequest("GET", "/v1/nodes"))).isFalse();
		assertThat(this.filter.shouldNotFilter(new MockHttpServletRequest("GET", "/emulator/faults"))).isTrue();
	}

	@Test
	void droppingWithoutTomcatAnswers500InsteadOfPretending() throws Exception {
		this.faults.setGlobal(new FaultSettings(0, 0, false, false, true));
		MockHttpServletResponse response = new MockHttpServletResponse();

		this.filter.doFilter(new MockHttpServletRequest("GET", "/v1/nodes"), response, new MockFilterChain());

		assertThat(response.getStatus()).isEqualTo(500);
		assertThat(response.getContentAsString()).contains("drop_connection needs the emulator's embedded Tomcat");
	}

}
