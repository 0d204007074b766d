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

package org.openstack.valence.driver.composition;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.composition.CompositionJson.ComposedNodeView;
import org.openstack.valence.driver.composition.CompositionJson.NodePage;
import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceNode;
import org.openstack.valence.driver.valence.ValenceNodeSummary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The node reads of a page: in parallel, bounded, and whole by the deadline or failed.
 */
class NodePagesTest {

	private static final int PARALLELISM = 3;

	private final ValenceClient valence = mock(ValenceClient.class);

	private final NodePages pages = new NodePages(this.valence,
			new NodeListProperties(PARALLELISM, Duration.ofSeconds(30)));

	private final AtomicInteger reading = new AtomicInteger();

	private final AtomicInteger mostAtOnce = new AtomicInteger();

	private final AtomicInteger started = new AtomicInteger();

	@AfterEach
	void stopThePool() {
		this.pages.destroy();
	}

	/** Valence lists {@code count} nodes; each read takes {@code readTime}. */
	private void valenceHas(int count, Duration readTime) {
		List<ValenceNodeSummary> nodes = IntStream.range(0, count)
			.mapToObj((i) -> new ValenceNodeSummary(String.format("node-%03d", i), "n" + i, Integer.toString(i)))
			.toList();
		when(this.valence.listNodes(any())).thenReturn(nodes);
		when(this.valence.getNode(anyString(), any())).thenAnswer((call) -> {
			this.started.incrementAndGet();
			this.mostAtOnce.accumulateAndGet(this.reading.incrementAndGet(), Math::max);
			try {
				Thread.sleep(readTime.toMillis());
			}
			finally {
				this.reading.decrementAndGet();
			}
			return new ValenceNode(call.getArgument(0), "n", null, "1", "On", "Assembled", null, null, null, null);
		});
	}

	@Test
	void readsRunInParallelNeverMoreThanTheConfiguredNumber() {
		valenceHas(24, Duration.ofMillis(20));

		NodePage page = this.pages.page(null, 24, Deadline.after(Duration.ofSeconds(10)));

		assertThat(page.nodes()).extracting(ComposedNodeView::nodeId).hasSize(24).isSorted();
		assertThat(page.nextMarker()).isNull();
		assertThat(this.mostAtOnce.get()).isBetween(2, PARALLELISM);
	}

	@Test
	void laterPagesTakeTheListTheFirstPageTookWhileItIsYoung() {
		valenceHas(5, Duration.ZERO);

		NodePage first = this.pages.page(null, 2, Deadline.after(Duration.ofSeconds(10)));
		NodePage second = this.pages.page(first.nextMarker(), 2, Deadline.after(Duration.ofSeconds(10)));
		this.pages.page(null, 2, Deadline.after(Duration.ofSeconds(10)));

		assertThat(second.nodes()).extracting(ComposedNodeView::nodeId).containsExactly("node-002", "node-003");
		verify(this.valence, times(2)).listNodes(any());
	}

	@Test
	void everyPageAsksValenceWithoutASnapshot() {
		NodePages fresh = new NodePages(this.valence, new NodeListProperties(PARALLELISM, Duration.ZERO));
		valenceHas(5, Duration.ZERO);

		fresh.page("node-001", 2, Deadline.after(Duration.ofSeconds(10)));
		fresh.page("node-003", 2, Deadline.after(Duration.ofSeconds(10)));
		fresh.destroy();

		verify(this.valence, times(2)).listNodes(any());
	}

	@Test
	void pageNotReadByTheDeadlineIsAnErrorAndItsQueuedReadsAreDropped() throws InterruptedException {
		valenceHas(30, Duration.ofMillis(100));
		long start = System.nanoTime();

		assertThatThrownBy(() -> this.pages.page(null, 30, Deadline.after(Duration.ofMillis(250))))
			.isInstanceOfSatisfying(CompositionException.class,
					(ex) -> assertThat(ex.getBody().getProperties().get("code"))
						.isEqualTo(ErrorCode.VALENCE_TIMEOUT.name()))
			.hasMessageContaining("not all read")
			.hasMessageContaining("limit");

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
		int startedByThen = this.started.get();
		Thread.sleep(500);
		// Those already taken by a thread may still begin; no queued one does.
		assertThat(this.started.get()).isLessThanOrEqualTo(startedByThen + PARALLELISM);
	}

}
