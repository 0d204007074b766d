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

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openstack.valence.driver.deadline.BudgetProperties;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.protocol.BootDevice;
import org.openstack.valence.driver.protocol.PowerState;
import org.openstack.valence.driver.shutdown.Shutdown;
import org.openstack.valence.driver.valence.OkHttpValenceClient;
import org.openstack.valence.driver.valence.ValenceException;
import org.openstack.valence.driver.valence.ValenceHttpClientFactory;
import org.openstack.valence.driver.valence.ValenceNode;
import org.openstack.valence.driver.valence.ValenceProperties;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openstack.valence.driver.TestResources.read;

class NodeReaderTest {

	private static final String NODE = "4d8c3732-a248-40ed-bebc-539a6ffd25c0";

	private static final String NODE_PATH = "/v1/nodes/" + NODE;

	private static final int CALLERS = 8;

	@RegisterExtension
	static WireMockExtension valence = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	private NodeReader reader() {
		ValenceProperties properties = new ValenceProperties(URI.create(valence.baseUrl()), null, null, null,
				Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(4),
				new ValenceProperties.Retry(1, Duration.ofMillis(5), 1.0));
		return new NodeReader(
				new OkHttpValenceClient(ValenceHttpClientFactory.build(properties, null, new SimpleMeterRegistry()),
						properties, new SimpleMeterRegistry()));
	}

	/**
	 * Starts every caller at once; the stubs hold Valence's answer long enough that all
	 * of them ask while the first call is still in flight.
	 */
	private List<Future<ValenceNode>> readConcurrently(NodeReader reader) throws InterruptedException {
		CountDownLatch allAsking = new CountDownLatch(CALLERS);
		ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
		List<Future<ValenceNode>> answers = new ArrayList<>();
		for (int i = 0; i < CALLERS; i++) {
			answers.add(pool.submit(() -> {
				allAsking.countDown();
				return reader.read(NODE, soon());
			}));
		}
		assertThat(allAsking.await(10, TimeUnit.SECONDS)).isTrue();
		pool.shutdown();
		assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).as("every caller got an answer").isTrue();
		return answers;
	}

	@Test
	void concurrentReadsOfOneNodeShareOneValenceCall() throws Exception {
		valence.stubFor(get(NODE_PATH).willReturn(okJson(read("valence/node-detail.json")).withFixedDelay(1500)));

		List<Future<ValenceNode>> answers = readConcurrently(reader());

		for (Future<ValenceNode> answer : answers) {
			assertThat(answer.get().uuid()).isEqualTo(NODE);
		}
		valence.verify(1, getRequestedFor(urlPathEqualTo(NODE_PATH)));
	}

	@Test
	void everyCallerOfASharedReadGetsItsFailure() throws Exception {
		valence.stubFor(get(NODE_PATH).willReturn(aResponse().withStatus(404).withFixedDelay(1500)));

		List<Future<ValenceNode>> answers = readConcurrently(reader());

		for (Future<ValenceNode> answer : answers) {
			assertThatThrownBy(answer::get).hasCauseInstanceOf(ValenceException.NodeNotFound.class);
		}
		valence.verify(1, getRequestedFor(urlPathEqualTo(NODE_PATH)));
	}

	/**
	 * A read that begins after a power change returned must see its result, even while a
	 * read that began before the change is still waiting for Valence.
	 */
	@Test
	void readBegunAfterAPowerChangeNeverJoinsAReadBegunBeforeIt() throws Exception {
		FakeValence valence = new FakeValence("Off", 1);
		NodeReader reader = new NodeReader(valence);

		assertReadsAroundAChange(valence, reader, powerOn(valence, reader), ValenceNode::powerState,
				PowerState.POWER_OFF, PowerState.POWER_ON);
	}

	/** The node's power change from off to on, as the power endpoint makes it. */
	private static Runnable powerOn(FakeValence valence, NodeReader reader) {
		PowerService power = new PowerService(valence, reader, new NodeLocks(),
				new PowerProperties(Duration.ofSeconds(5), Duration.ofMillis(1)), new Shutdown());
		return () -> assertThat(power.set(NODE, PowerState.POWER_ON, soon())).isEqualTo(PowerState.POWER_ON);
	}

	@Test
	void readBegunAfterABootDeviceChangeNeverJoinsAReadBegunBeforeIt() throws Exception {
		FakeValence valence = new FakeValence("On", 1);
		NodeReader reader = new NodeReader(valence);
		BudgetProperties budget = new BudgetProperties(Duration.ofSeconds(10));
		NodeLocks locks = new NodeLocks();
		Shutdown shutdown = new Shutdown();
		PowerProperties power = new PowerProperties(Duration.ofSeconds(5), Duration.ofMillis(1));
		NodeController controller = new NodeController(reader,
				new PowerService(valence, reader, locks, power, shutdown),
				new BootDeviceService(valence, reader, locks, shutdown), power, budget, new RootDisk(valence));

		assertReadsAroundAChange(valence, reader,
				() -> controller.setBootDevice(NODE, new NodeJson.BootDeviceRequest(BootDevice.PXE, false)),
				ValenceNode::bootDevice, BootDevice.DISK, BootDevice.PXE);
	}

	@Test
	void powerReadOfManyNodesBegunAfterAPowerChangeNeverJoinsAReadBegunBeforeIt() throws Exception {
		FakeValence valence = new FakeValence("Off", 1);
		NodeReader reader = new NodeReader(valence);
		PowerReadsService reads = new PowerReadsService(reader, new PowerReadsProperties(2), new SimpleMeterRegistry());
		try {
			assertReadsAroundAChange(valence, reader, powerOn(valence, reader),
					() -> reads.read(List.of(NODE), soon()).get(NODE), ValenceNode::powerState,
					(read) -> ((NodeJson.PowerReadView) read).powerState(), PowerState.POWER_OFF, PowerState.POWER_ON);
		}
		finally {
			reads.destroy();
		}
	}

	private static <T> void assertReadsAroundAChange(FakeValence valence, NodeReader reader, Runnable change,
			Function<ValenceNode, T> property, T before, T after) throws Exception {
		assertReadsAroundAChange(valence, reader, change, () -> reader.read(NODE, soon()), property, property, before,
				after);
	}

	/**
	 * Holds a read begun before {@code change}, makes the change, begins another read
	 * ({@code lateRead}), then lets Valence answer the first: the second must see the
	 * change.
	 */
	private static <R, T> void assertReadsAroundAChange(FakeValence valence, NodeReader reader, Runnable change,
			Callable<R> lateRead, Function<ValenceNode, T> property, Function<R, T> lateProperty, T before, T after)
			throws Exception {
		FakeValence.HeldRead beforeTheChange = valence.holdNextRead();
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			Future<ValenceNode> early = pool.submit(() -> reader.read(NODE, soon()));
			assertThat(beforeTheChange.started().await(5, TimeUnit.SECONDS)).isTrue();

			change.run();
			Future<R> late = pool.submit(lateRead);
			// A read of its own answers at once; one that joined the held read waits for
			// it.
			awaitAtMost(late, Duration.ofSeconds(1));
			beforeTheChange.release().countDown();

			assertThat(lateProperty.apply(late.get(5, TimeUnit.SECONDS))).as("read begun after the change")
				.isEqualTo(after);
			assertThat(property.apply(early.get(5, TimeUnit.SECONDS))).as("read begun before the change")
				.isEqualTo(before);
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static Deadline soon() {
		return Deadline.after(Duration.ofSeconds(10));
	}

	private static void awaitAtMost(Future<?> answer, Duration time) throws Exception {
		try {
			answer.get(time.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			// still waiting: the assertions that follow say why
		}
	}

	@Test
	void readsThatFollowOneAnotherEachAskValence() {
		valence.stubFor(get(NODE_PATH).willReturn(okJson(read("valence/node-detail.json"))));
		NodeReader reader = reader();

		reader.read(NODE, soon());
		reader.read(NODE, soon());

		valence.verify(2, getRequestedFor(urlPathEqualTo(NODE_PATH)));
	}

}
