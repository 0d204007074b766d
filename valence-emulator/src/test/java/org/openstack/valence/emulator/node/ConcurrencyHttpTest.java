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

package org.openstack.valence.emulator.node;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openstack.valence.emulator.RunningEmulator;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openstack.valence.emulator.EmulatorClient.json;

/**
 * Many clients at once on one node and on the node collection; counts and times are
 * bounded.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "emulator.node-count=2", "emulator.transition-delay=0" })
class ConcurrencyHttpTest extends RunningEmulator {

	private static final int THREADS = 8;

	private static final int REQUESTS_PER_THREAD = 25;

	private static final String NODE = "/v1/nodes/" + NodeInventory.uuidOf(1, 1);

	private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

	@AfterEach
	void stopPool() {
		this.pool.shutdownNow();
	}

	@Test
	void concurrentActionsAndReadsOnOneNodeAllSucceed() throws Exception {
		List<Integer> statuses = runAll((thread, i) -> {
			String type = ((thread + i) % 2 == 0) ? "On" : "ForceOff";
			int action = this.client.post(NODE + "/action", "{\"Reset\": {\"Type\": \"" + type + "\"}}").statusCode();
			HttpResponse<String> read = this.client.get(NODE);
			assertThat(json(read).get("node_power_state").stringValue()).isIn("On", "Off");
			return action * 1000 + read.statusCode();
		});

		assertThat(statuses).hasSize(THREADS * REQUESTS_PER_THREAD).containsOnly(204_200);
		this.client.post(NODE + "/action", "{\"Reset\": {\"Type\": \"On\"}}");
		assertThat(json(this.client.get(NODE)).get("node_power_state").stringValue()).isEqualTo("On");
	}

	@Test
	void concurrentComposesGetDistinctNodes() throws Exception {
		List<String> uuids = runAll(
				(thread, i) -> json(this.client.post("/v1/nodes", "{\"name\": \"c-" + thread + "-" + i + "\"}"))
					.get("uuid")
					.stringValue());

		assertThat(Set.copyOf(uuids)).hasSize(THREADS * REQUESTS_PER_THREAD);
		assertThat(json(this.client.get("/v1/nodes")).size()).isEqualTo(2 + THREADS * REQUESTS_PER_THREAD);
	}

	@FunctionalInterface
	private interface Step<T> {

		T run(int thread, int i) throws IOException;

	}

	private <T> List<T> runAll(Step<T> step) throws Exception {
		List<Future<List<T>>> futures = new ArrayList<>();
		for (int thread = 0; thread < THREADS; thread++) {
			int id = thread;
			Callable<List<T>> work = () -> {
				List<T> results = new ArrayList<>();
				for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
					results.add(step.run(id, i));
				}
				return results;
			};
			futures.add(this.pool.submit(work));
		}
		List<T> all = new ArrayList<>();
		for (Future<List<T>> future : futures) {
			all.addAll(future.get(60, TimeUnit.SECONDS));
		}
		return all;
	}

}
