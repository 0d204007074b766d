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

package org.openstack.valence.emulator.system;

import java.io.IOException;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.openstack.valence.emulator.RunningEmulator;
import org.openstack.valence.emulator.node.Hardware;
import org.openstack.valence.emulator.node.NodeInventory;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openstack.valence.emulator.EmulatorClient.json;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "emulator.node-count=3", "emulator.seed=5",
		"emulator.transition-delay=0", "emulator.unmanaged-count=1" })
class SystemApiHttpTest extends RunningEmulator {

	@Test
	void systemsListEveryPodmNodeInValencesShape() throws IOException {
		JsonNode systems = json(this.client.get("/v1/systems"));

		assertThat(systems.size()).isEqualTo(4);
		JsonNode first = systems.get(0);
		assertThat(first.propertyNames()).containsExactly("Description", "Name", "cpu", "health", "id", "location",
				"network", "ram", "storage", "uuid");
		assertThat(first.get("cpu").propertyNames()).containsExactly("arch", "cores", "model");
		assertThat(first.get("id").stringValue()).isEqualTo("1");
		assertThat(first.get("location").stringValue()).isEqualTo("Systems:1_Drawer:drawer-1_Rack:rack-1_Pod:pod-1_");
		for (String figure : new String[] { "ram", "storage", "network" }) {
			assertThat(first.get(figure).isString()).as(figure).isTrue();
		}
		assertThat(first.get("cpu").get("cores").isString()).isTrue();
	}

	@Test
	void systemFiguresAreTheNodesHardware() throws IOException {
		Hardware hardware = Hardware.of(5, 2);
		long disks = 0;
		for (long disk : Hardware.diskBytes(5, 2)) {
			disks += disk;
		}

		JsonNode system = json(this.client.get("/v1/systems/2")).get(0);

		assertThat(system.get("storage").stringValue()).isEqualTo(Long.toString(disks / (1L << 30)));
		assertThat(system.get("ram").stringValue()).isEqualTo(
				Integer.toString(hardware.memory().stream().mapToInt(Hardware.Memory::totalMemoryMb).sum() / 1024));
		assertThat(system.get("network").stringValue()).isEqualTo(Integer.toString(hardware.network().size()));
		assertThat(system.get("cpu").get("cores").stringValue())
			.isEqualTo(Integer.toString(hardware.processor().stream().mapToInt(Hardware.Processor::totalCore).sum()));
	}

	@Test
	void aComposedNodesSystemIsTheOneItsDetailLinks() throws IOException {
		JsonNode node = json(this.client.get("/v1/nodes/" + NodeInventory.uuidOf(5, 3)));
		String link = node.get("computer_system").get("@odata.id").stringValue();

		HttpResponse<String> response = this.client.get("/v1/systems/" + link.substring(link.lastIndexOf('/') + 1));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json(response).size()).isEqualTo(1);
		assertThat(json(response).get(0).get("id").stringValue()).isEqualTo("3");
	}

	@Test
	void anUnknownSystemIsAnEmptyArray() throws IOException {
		for (String id : new String[] { "99", "nope" }) {
			HttpResponse<String> response = this.client.get("/v1/systems/" + id);

			assertThat(response.statusCode()).as(id).isEqualTo(200);
			assertThat(json(response).isArray()).as(id).isTrue();
			assertThat(json(response).size()).as(id).isZero();
		}
	}

	@Test
	void storagesAreNotImplementedForAnyNode() throws IOException {
		for (String node : new String[] { NodeInventory.uuidOf(5, 1).toString(), "nope" }) {
			HttpResponse<String> response = this.client.get("/v1/nodes/" + node + "/storages");

			assertThat(response.statusCode()).as(node).isEqualTo(500);
			JsonNode error = json(response);
			assertThat(error.get("code").stringValue()).isEqualTo("NotImplemented");
			assertThat(error.get("status").intValue()).isEqualTo(500);
			assertThat(error.get("title").stringValue()).isEqualTo("NotImplemented");
			assertThat(error.get("detail").stringValue()).startsWith("501 Not Implemented");
		}
	}

}
