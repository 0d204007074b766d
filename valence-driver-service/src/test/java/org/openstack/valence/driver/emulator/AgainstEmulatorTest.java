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

package org.openstack.valence.driver.emulator;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.ServiceTest;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.node.NodeLocks;
import org.openstack.valence.driver.node.NodeReader;
import org.openstack.valence.driver.node.PowerProperties;
import org.openstack.valence.driver.node.PowerService;
import org.openstack.valence.driver.protocol.PowerState;
import org.openstack.valence.driver.shutdown.Shutdown;
import org.openstack.valence.driver.valence.ValenceClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The service against the valence-emulator process rather than WireMock: the stubs
 * elsewhere state what Valence's documents say, this checks that the service and the
 * stand-in every other test layer uses agree on the wire, with power going through
 * PoweringOn/PoweringOff in real time. Every Valence call the service makes is recorded
 * ({@link ValenceCalls}), with the thread that made it.
 */
@SpringBootTest(properties = "driver.power.poll-interval=" + AgainstEmulatorTest.POLL_MS + "ms")
@AutoConfigureMockMvc
class AgainstEmulatorTest {

	static final int POLL_MS = 50;

	private static final Duration TRANSITION = Duration.ofMillis(250);

	private static final EmulatorProcess emulator = startEmulator();

	@Autowired
	private MockMvc mvc;

	@Autowired
	private ValenceClient valence;

	@Autowired
	private PowerProperties powerProperties;

	private static EmulatorProcess startEmulator() {
		try {
			return EmulatorProcess.start(3, TRANSITION);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@DynamicPropertySource
	static void valenceUrl(DynamicPropertyRegistry registry) {
		registry.add("valence.url", emulator::url);
	}

	@AfterEach
	void resetEmulator() throws Exception {
		emulator.send("POST", "/emulator/reset", null);
		ValenceCalls.clear();
	}

	@AfterAll
	static void stopEmulator() throws InterruptedException {
		emulator.stop();
	}

	private static String node() {
		return emulator.nodeIds().get(0);
	}

	private ResultActions call(MockHttpServletRequestBuilder request) throws Exception {
		return this.mvc.perform(request.header("Authorization", ServiceTest.BEARER));
	}

	private ResultActions setPower(String target) throws Exception {
		return setPower(target, 20);
	}

	private ResultActions setPower(String target, int timeout) throws Exception {
		return call(put("/v1/nodes/{id}/power", node()).contentType(MediaType.APPLICATION_JSON)
			.content("{\"target\": \"" + target + "\", \"timeout\": " + timeout + "}"));
	}

	private static String internal(String path) throws Exception {
		return JsonPath.read(emulator.get("/emulator/nodes/" + node()), path).toString();
	}

	/** The Reset types the emulator received, oldest first. */
	private static List<String> resetsReceived() throws Exception {
		return JsonPath.read(emulator.get("/emulator/nodes/" + node()), "$.actions[*].body.Reset.Type");
	}

	@Test
	void connectionReportsTheEmulatorsVersion() throws Exception {
		call(get("/v1/connection")).andExpect(status().isOk())
			.andExpect(jsonPath("$.valence.url").value(emulator.url()))
			.andExpect(jsonPath("$.valence.reachable").value(true))
			.andExpect(jsonPath("$.valence.version").value("v1"));
	}

	@Test
	void nodeDetailCarriesTheEmulatorsInventory() throws Exception {
		String detail = emulator.get("/v1/nodes/" + node());
		List<String> macs = JsonPath.read(detail, "$.metadata.network[*].mac");
		List<Integer> cores = JsonPath.read(detail, "$.metadata.processor[*].total_core");
		List<Integer> memory = JsonPath.read(detail, "$.metadata.memory[*].total_memory_mb");

		String answer = call(get("/v1/nodes/{id}", node())).andExpect(status().isOk())
			.andExpect(jsonPath("$.power_state").value("power off"))
			.andExpect(jsonPath("$.composition_state").value("Assembled"))
			.andExpect(jsonPath("$.inventory.cpu_arch").value("x86_64"))
			.andExpect(jsonPath("$.inventory.cpus").value(cores.stream().mapToInt(Integer::intValue).sum()))
			.andExpect(jsonPath("$.inventory.memory_mb").value(memory.stream().mapToInt(Integer::intValue).sum()))
			.andReturn()
			.getResponse()
			.getContentAsString();

		List<String> reported = JsonPath.read(answer, "$.inventory.macs");
		assertThat(reported).isNotEmpty().isEqualTo(macs.stream().map(String::toLowerCase).toList());
	}

	@Test
	void powerOnWaitsUntilTheNodeIsOn() throws Exception {
		setPower("power on").andExpect(status().isOk()).andExpect(jsonPath("$.power_state").value("power on"));

		assertThat(internal("$.power_state")).isEqualTo("On");
		assertThat(resetsReceived()).containsExactly("On");
	}

	@Test
	void powerOnOfANodeAlreadyOnSendsNothing() throws Exception {
		emulator.send("POST", "/emulator/nodes/" + node() + "/power", "{\"state\": \"On\"}");

		setPower("power on").andExpect(status().isOk()).andExpect(jsonPath("$.power_state").value("power on"));

		assertThat(resetsReceived()).isEmpty();
	}

	@Test
	void rebootForcesOffThenOn() throws Exception {
		emulator.send("POST", "/emulator/nodes/" + node() + "/power", "{\"state\": \"On\"}");

		setPower("rebooting").andExpect(status().isOk()).andExpect(jsonPath("$.power_state").value("power on"));

		assertThat(resetsReceived()).containsExactly("ForceOff", "On");
		assertThat(internal("$.power_state")).isEqualTo("On");
	}

	@Test
	void softRebootOfANodeThatIsOffPowersItOn() throws Exception {
		setPower("soft rebooting").andExpect(status().isOk()).andExpect(jsonPath("$.power_state").value("power on"));

		assertThat(resetsReceived()).containsExactly("On");
	}

	@Test
	void persistentPxeBootIsSetContinuousAndReadBackWithoutPersistence() throws Exception {
		call(put("/v1/nodes/{id}/boot-device", node()).contentType(MediaType.APPLICATION_JSON)
			.content("{\"boot_device\": \"pxe\", \"persistent\": true}")).andExpect(status().isOk());

		assertThat(internal("$.boot_source")).isEqualTo("Pxe");
		assertThat(internal("$.boot_enabled")).isEqualTo("Continuous");
		call(get("/v1/nodes/{id}/boot-device", node())).andExpect(status().isOk())
			.andExpect(jsonPath("$.boot_device").value("pxe"))
			.andExpect(jsonPath("$.persistent").isEmpty());
	}

	@Test
	void unknownComposedNodeIsNotFoundWithTheEmulatorsDetail() throws Exception {
		call(get("/v1/nodes/{id}/power", "0badc0de-0000-4000-8000-000000000000")).andExpect(status().isNotFound())
			.andExpect(jsonPath("$.code").value("NODE_NOT_FOUND"))
			.andExpect(jsonPath("$.detail").value(containsString("not found")));
	}

	@Test
	void valenceDownIsAValenceError() throws Exception {
		emulator.send("PUT", "/emulator/faults", "{\"down\": true}");

		call(get("/v1/nodes/{id}/power", node())).andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_ERROR"))
			.andExpect(jsonPath("$.detail").value(containsString("503")));
	}

	@Test
	void garbageFromValenceIsAValenceError() throws Exception {
		emulator.send("PUT", "/emulator/faults", "{\"malformed_body\": true}");

		call(get("/v1/nodes/{id}/power", node())).andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_ERROR"))
			.andExpect(jsonPath("$.title").value("Valence sent an unreadable answer"));
	}

	@Test
	void droppedConnectionIsValenceUnreachable() throws Exception {
		emulator.send("PUT", "/emulator/nodes/" + node() + "/faults", "{\"drop_connection\": true}");

		call(get("/v1/nodes/{id}/power", node())).andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_UNREACHABLE"));
	}

	/**
	 * Operator finding 1 in small: concurrent power changes of one node through one
	 * service, alternating on and off. Each change's Valence calls (its read, its Reset,
	 * its polls) must come in one run, none of another change's in between, so that each
	 * Reset is sent only once the change before it was answered, and each answer is the
	 * state of the last read of its change, which no later action had reversed yet.
	 */
	@Test
	void concurrentChangesOfOneNodeNeverInterleave() throws Exception {
		int changes = 6;
		ExecutorService threads = Executors.newFixedThreadPool(changes);
		Map<String, String> answers = new ConcurrentHashMap<>();
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < changes; i++) {
				String target = (i % 2 == 0) ? "power on" : "power off";
				running.add(threads.submit(() -> {
					String answer = setPower(target).andExpect(status().isOk())
						.andReturn()
						.getResponse()
						.getContentAsString();
					answers.put(Thread.currentThread().getName(), JsonPath.read(answer, "$.power_state"));
					return null;
				}));
			}
			for (Future<?> change : running) {
				change.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}

		List<ValenceCalls.Call> calls = ValenceCalls.of(node());
		List<List<ValenceCalls.Call>> runs = ValenceCalls.runsByThread(calls);
		assertThat(runs).as("each change's calls in one run: %s", calls).hasSize(changes);
		for (List<ValenceCalls.Call> run : runs) {
			ValenceCalls.Call last = run.get(run.size() - 1);
			assertThat(last.what()).as("a change ends on a read: %s", run).isEqualTo("read");
			assertThat(last.value()).isEqualTo(answers.get(last.thread()).equals("power on") ? "On" : "Off");
		}
		assertThat(resetsReceived()).as("the Resets the emulator received, in order")
			.isEqualTo(calls.stream()
				.filter((call) -> call.what().equals("reset"))
				.map(ValenceCalls.Call::value)
				.toList());
	}

	/**
	 * Two replicas: one powers the node on, the other powers it off once the first has
	 * seen it powering on. The first is answered 409 within a poll interval of the node
	 * settling off, never after waiting out its timeout of 30 s.
	 */
	@Test
	void changeReversedByAnotherReplicaIsAConflictWithinAPollOfTheNodeSettling() throws Exception {
		PowerService otherReplica = new PowerService(this.valence, new NodeReader(this.valence), new NodeLocks(),
				this.powerProperties, new Shutdown());
		ExecutorService threads = Executors.newSingleThreadExecutor();
		try {
			Future<MvcResult> powerOn = threads.submit(() -> setPower("power on", 30).andReturn());
			ValenceCalls.await(node(), "read", "PoweringOn", Duration.ofSeconds(10));

			assertThat(otherReplica.set(node(), PowerState.POWER_OFF, Deadline.after(Duration.ofSeconds(30))))
				.isEqualTo(PowerState.POWER_OFF);
			long settled = System.nanoTime();

			MvcResult conflict = powerOn.get(30, TimeUnit.SECONDS);
			Duration after = Duration.ofNanos(System.nanoTime() - settled);
			assertThat(conflict.getResponse().getStatus()).isEqualTo(409);
			String body = conflict.getResponse().getContentAsString();
			assertThat((String) JsonPath.read(body, "$.code")).isEqualTo("POWER_STATE_CONFLICT");
			assertThat((String) JsonPath.read(body, "$.detail")).contains("settled in 'power off'")
				.contains("another change reversed this one");
			assertThat((List<String>) JsonPath.read(body, "$.actions_sent")).containsExactly("On");
			assertThat(after).as("answered within a poll interval (and a read) of the other answer")
				.isLessThan(Duration.ofSeconds(1));
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(resetsReceived()).containsExactly("On", "ForceOff");
		assertThat(internal("$.power_state")).isEqualTo("Off");
	}

	/** Records every call of the service's Valence client, as the other replica's too. */
	@TestConfiguration
	static class Recording {

		@Bean
		static BeanPostProcessor recordValenceCalls() {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessAfterInitialization(Object bean, String name) {
					return (bean instanceof ValenceClient client) ? ValenceCalls.recording(client) : bean;
				}
			};
		}

	}

}
