/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this
 * file except in compliance with the License. You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under
 * the License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
 * KIND, either express or implied. See the License for the specific language governing
 * permissions and limitations under the License.
 */
package org.openstack.valence.driver.composition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.shutdown.Shutdown;
import org.openstack.valence.driver.shutdown.ShutdownException;
import org.openstack.valence.driver.valence.Composition;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceNode;
import org.openstack.valence.driver.valence.ValenceNodeSummary;

import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/** A composition when the service begins to shut down. */
class CompositionShutdownTest {

	private static final String NODE = "9b1f0c2e-5a4d-4e3b-8c7a-6d5e4f3a2b1c";

	private static final Composition WEB_1 = Composition.ofFlavor("web-1", null, "flavor-1");

	private final ValenceClient valence = mock(ValenceClient.class);

	private final Shutdown shutdown = new Shutdown();

	private final CompositionService service = new CompositionService(this.valence,
			new CompositionProperties(Duration.ofSeconds(300), Duration.ofSeconds(30)), this.shutdown);

	@Test
	void shutdownBeforeTheComposeCallAsksValenceNothing() {
		given(this.valence.listNodes(any())).willReturn(List.of());
		this.shutdown.begin();

		assertThatThrownBy(() -> this.service.compose(WEB_1, Deadline.after(Duration.ofSeconds(60))))
			.isInstanceOf(ShutdownException.class)
			.hasMessageContaining("before Valence was asked to compose 'web-1'");
		verify(this.valence, never()).compose(any(), any());
	}

	@Test
	void shutdownWhileWaitingForAssembledNamesTheNodeAtOnce() {
		given(this.valence.listNodes(any())).willReturn(List.of());
		given(this.valence.compose(eq(WEB_1), any())).willReturn(new ValenceNodeSummary(NODE, "web-1", "5"));
		given(this.valence.getNode(eq(NODE), any()))
			.willReturn(new ValenceNode(NODE, "web-1", null, "5", "Off", "Assembling", "Hdd", "OK", null, null));
		CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(this.shutdown::begin);
		long start = System.nanoTime();

		assertThatThrownBy(() -> this.service.compose(WEB_1, Deadline.after(Duration.ofSeconds(60))))
			.isInstanceOfSatisfying(ErrorResponseException.class, (ex) -> {
				assertThat(ex.getBody().getProperties()).isEqualTo(
						Map.of("code", "COMPOSITION_TIMEOUT", "actions_sent", List.of("compose"), "node_id", NODE));
				assertThat(ex.getCause()).isInstanceOfSatisfying(CompositionException.class,
						(failure) -> assertThat(failure.getBody().getProperties().get("code"))
							.isEqualTo(ErrorCode.COMPOSITION_TIMEOUT.name()));
			})
			.hasMessageContaining("shutting down");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
	}

}
