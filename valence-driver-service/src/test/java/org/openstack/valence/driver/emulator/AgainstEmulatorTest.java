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
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.ServiceTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
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
 * PoweringOn/PoweringOff in real time.
 */
@SpringBootTest
@AutoConfigureMockMvc
class AgainstEmulatorTest {

	private static final EmulatorProcess emulator = startEmulator();

	@Autowired
	private MockMvc mvc;

	private static EmulatorProcess startEmulator() {
		try {
			return EmulatorProcess.start(3, Duration.ofMillis(100));
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
		return call(put("/v1/nodes/{id}/power", node()).contentType(MediaType.APPLICATION_JSON)
			.content("{\"target\": \"" + target + "\", \"timeout\": 20}"));
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

}
