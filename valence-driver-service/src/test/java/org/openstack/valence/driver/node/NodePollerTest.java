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

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.shutdown.Shutdown;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceException;
import org.openstack.valence.driver.valence.ValenceNode;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class NodePollerTest {

	private static final String NODE = "node-1";

	private static final ValenceNode ASSEMBLING = new ValenceNode(NODE, "web-1", null, "1", "Off", "Assembling", "Hdd",
			"OK", null, null);

	private final ValenceClient valence = mock(ValenceClient.class);

	private final NodePoller poller = new NodePoller(this.valence, Duration.ofMillis(10), new Shutdown());

	@Test
	void pollCutShortByTheDeadlineIsTheWaitRunningOut() {
		Deadline deadline = Deadline.after(Duration.ofMillis(300));
		given(this.valence.getNode(eq(NODE), any())).willAnswer((call) -> {
			Thread.sleep(deadline.remaining().toMillis() + 20);
			throw new ValenceException.Timeout("the read was cut at the deadline", null);
		});

		assertThatThrownBy(() -> this.poller.until(NODE, NodePoller.Read.of(ASSEMBLING),
				(node) -> "Assembled".equals(node.nodeState()), deadline,
				(node) -> new IllegalStateException("still " + node.nodeState())))
			.isInstanceOf(IllegalStateException.class)
			.hasMessage("still Assembling");
	}

	@Test
	void pollTimeoutWithTimeLeftIsValencesTimeout() {
		given(this.valence.getNode(eq(NODE), any()))
			.willThrow(new ValenceException.Timeout("Valence did not answer within the read timeout", null));

		assertThatThrownBy(() -> this.poller.until(NODE, NodePoller.Read.of(ASSEMBLING),
				(node) -> "Assembled".equals(node.nodeState()), Deadline.after(Duration.ofSeconds(30)),
				(node) -> new IllegalStateException("still " + node.nodeState())))
			.isInstanceOf(ValenceException.Timeout.class);
	}

}
