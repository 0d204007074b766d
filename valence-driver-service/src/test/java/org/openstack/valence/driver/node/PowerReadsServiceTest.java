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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.node.NodeJson.PowerReadFailure;
import org.openstack.valence.driver.node.NodeJson.PowerReadOutcome;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** How the node reads of power reads of many nodes are run, against a mocked Valence. */
class PowerReadsServiceTest {

	private final ValenceClient valence = mock(ValenceClient.class);

	private PowerReadsService reads;

	private PowerReadsService reads(int parallelism) {
		this.reads = new PowerReadsService(new NodeReader(this.valence), new PowerReadsProperties(parallelism),
				new SimpleMeterRegistry());
		return this.reads;
	}

	@AfterEach
	void stopThePool() {
		this.reads.destroy();
	}

	private static ValenceNode node(String nodeId) {
		return new ValenceNode(nodeId, "node", null, "1", "On", "Assembled", "Hdd", "OK", null, null);
	}

	private static void sleep(Duration time) {
		try {
			Thread.sleep(time.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static List<String> ids(String prefix, int count) {
		return IntStream.range(0, count).mapToObj((i) -> prefix + i).toList();
	}

	@Test
	void valenceNeverHasMoreReadsAtOnceThanTheParallelismAcrossBatches() throws Exception {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		when(this.valence.getNode(anyString(), any())).thenAnswer((call) -> {
			most.accumulateAndGet(running.incrementAndGet(), Math::max);
			sleep(Duration.ofMillis(20));
			running.decrementAndGet();
			return node(call.getArgument(0));
		});
		PowerReadsService reads = reads(3);
		ExecutorService batches = Executors.newFixedThreadPool(2);
		try {
			Future<Map<String, PowerReadOutcome>> first = batches
				.submit(() -> reads.read(ids("a-", 20), Deadline.after(Duration.ofSeconds(10))));
			Future<Map<String, PowerReadOutcome>> second = batches
				.submit(() -> reads.read(ids("b-", 20), Deadline.after(Duration.ofSeconds(10))));

			assertThat(first.get(20, TimeUnit.SECONDS)).hasSize(20)
				.allSatisfy((id, outcome) -> assertThat(outcome).isInstanceOf(NodeJson.PowerReadView.class));
			assertThat(second.get(20, TimeUnit.SECONDS)).hasSize(20);
		}
		finally {
			batches.shutdownNow();
		}
		assertThat(most.get()).as("most Valence reads at once").isEqualTo(3);
	}

	@Test
	void aNodeReadStillQueuedAtTheDeadlineIsNeverSent() {
		when(this.valence.getNode(eq("slow"), any())).thenAnswer((call) -> {
			sleep(Duration.ofMillis(600));
			return node("slow");
		});

		Map<String, PowerReadOutcome> answer = reads(1).read(List.of("slow", "queued"),
				Deadline.after(Duration.ofMillis(200)));
		sleep(Duration.ofMillis(800));

		assertThat(answer).containsExactly(Map.entry("slow", new PowerReadFailure(ErrorCode.VALENCE_TIMEOUT)),
				Map.entry("queued", new PowerReadFailure(ErrorCode.VALENCE_TIMEOUT)));
		verify(this.valence, never()).getNode(eq("queued"), any());
	}

	@Test
	void anUnexpectedFailureOfOneNodeIsThatNodesInternalError() {
		when(this.valence.getNode(eq("broken"), any()))
			.thenThrow(new IllegalStateException("a bug that must not be answered"));
		when(this.valence.getNode(eq("fine"), any())).thenReturn(node("fine"));

		Map<String, PowerReadOutcome> answer = reads(2).read(List.of("broken", "fine"),
				Deadline.after(Duration.ofSeconds(10)));

		assertThat(answer.get("broken")).isEqualTo(new PowerReadFailure(ErrorCode.INTERNAL_ERROR));
		assertThat(answer.get("fine")).isInstanceOf(NodeJson.PowerReadView.class);
	}

}
