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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openstack.valence.emulator.EmulatorProperties;
import org.openstack.valence.emulator.MutableClock;
import org.openstack.valence.emulator.web.ValenceException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class NodeInventoryTest {

	private final MutableClock clock = new MutableClock();

	private NodeInventory inventory(int nodes, long seed) {
		return new NodeInventory(new EmulatorProperties(nodes, seed, Duration.ZERO, 2), this.clock);
	}

	@Test
	void seedsNodesOneToNodeCountWithUuidsFromTheSeed() {
		NodeInventory inventory = inventory(3, 42);

		assertThat(inventory.nodes()).extracting(ComposedNode::index).containsExactly(1, 2, 3);
		assertThat(inventory.nodes()).extracting(ComposedNode::uuid)
			.containsExactly(nameUuid("valence-emulator:42:1"), nameUuid("valence-emulator:42:2"),
					nameUuid("valence-emulator:42:3"));
		assertThat(inventory.nodes()).extracting(ComposedNode::name)
			.containsExactly("Server-1", "Server-2", "Server-3");
	}

	@Test
	void sameSeedGivesTheSameNodesAndHardware() {
		NodeInventory first = inventory(5, 7);
		NodeInventory second = inventory(5, 7);

		assertThat(second.nodes()).extracting(ComposedNode::uuid)
			.containsExactlyElementsOf(first.nodes().stream().map(ComposedNode::uuid).toList());
		assertThat(second.nodes().stream().map(second::hardware).toList())
			.isEqualTo(first.nodes().stream().map(first::hardware).toList());
	}

	@Test
	void anotherSeedGivesOtherUuidsAndHardware() {
		NodeInventory one = inventory(5, 1);
		NodeInventory two = inventory(5, 2);

		assertThat(two.nodes()).extracting(ComposedNode::uuid)
			.doesNotContainAnyElementsOf(one.nodes().stream().map(ComposedNode::uuid).toList());
		assertThat(two.nodes().stream().map(two::hardware).toList())
			.isNotEqualTo(one.nodes().stream().map(one::hardware).toList());
	}

	@Test
	void macsAreUniqueAcrossTenThousandNodes() {
		NodeInventory inventory = inventory(10_000, 1);
		Set<String> macs = new HashSet<>();
		int nics = 0;

		for (ComposedNode node : inventory.nodes()) {
			for (Hardware.Nic nic : inventory.hardware(node).network()) {
				macs.add(nic.mac());
				nics++;
			}
		}

		assertThat(macs).hasSize(nics);
		assertThat(nics).isBetween(10_000, 40_000);
	}

	@Test
	void macAndAddressesSpellSeedIndexAndPort() {
		assertThat(Hardware.mac(0x1ab, 0x0a0b0c, 3)).isEqualTo("02:ab:0a:0b:0c:03");
		Hardware.Nic nic = Hardware.of(1, 251).network().get(0);

		assertThat(nic.mac()).isEqualTo("02:01:00:00:fb:00");
		assertThat(nic.ipv4()).containsExactly(new Hardware.Ipv4("10.0.1.2", "255.255.0.0", "10.0.0.254"));
	}

	@Test
	void hardwareLooksLikeAnRsdComposedNode() {
		NodeInventory inventory = inventory(50, 1);

		for (ComposedNode node : inventory.nodes()) {
			Hardware hardware = inventory.hardware(node);
			assertThat(hardware.processor()).isNotEmpty()
				.allSatisfy((cpu) -> assertThat(cpu.instructionSet()).isEqualTo("x86-64"));
			assertThat(hardware.memory()).isNotEmpty()
				.allSatisfy((dimm) -> assertThat(dimm.totalMemoryMb()).isPositive());
			assertThat(hardware.network()).hasSizeBetween(1, 4)
				.allSatisfy((nic) -> assertThat(nic.mac()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"));
		}
	}

	@Test
	void unknownUuidIsNotFoundInValencesWords() {
		NodeInventory inventory = inventory(1, 1);

		assertThatExceptionOfType(ValenceException.class).isThrownBy(() -> inventory.find("no-such-node"))
			.satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(404))
			.withMessage("Composed node 'no-such-node' not found in database.");
	}

	@Test
	void composeAddsANodeAfterTheUnmanagedIndexes() {
		NodeInventory inventory = inventory(2, 1);

		ComposedNode node = inventory.compose("new-node", "for a test");

		assertThat(node.index()).isEqualTo(5);
		assertThat(node.uuid()).isEqualTo(NodeInventory.uuidOf(1, 5));
		assertThat(inventory.find(node.uuid().toString())).isSameAs(node);
	}

	@Test
	void deleteForgetsTheNode() {
		NodeInventory inventory = inventory(2, 1);
		String uuid = NodeInventory.uuidOf(1, 1).toString();

		inventory.delete(uuid);

		assertThat(inventory.nodes()).extracting(ComposedNode::index).containsExactly(2);
		assertThatExceptionOfType(ValenceException.class).isThrownBy(() -> inventory.find(uuid));
	}

	@Test
	void forgottenNodeComesBackUnderItsUuidWhenManaged() {
		NodeInventory inventory = inventory(2, 1);
		String uuid = NodeInventory.uuidOf(1, 1).toString();

		inventory.forget(uuid);

		assertThatExceptionOfType(ValenceException.class).isThrownBy(() -> inventory.find(uuid));
		assertThat(inventory.manage("1").uuid().toString()).isEqualTo(uuid);
		assertThat(inventory.find(uuid).status().composition()).isEqualTo(CompositionState.Assembled);
	}

	@Test
	void manageAdoptsAnUnmanagedPodmNode() {
		NodeInventory inventory = inventory(2, 1);

		ComposedNode node = inventory.manage("3");

		assertThat(node.uuid()).isEqualTo(NodeInventory.uuidOf(1, 3));
		assertThat(inventory.nodes()).extracting(ComposedNode::index).containsExactly(1, 2, 3);
	}

	@Test
	void manageOfAManagedNodeIsAConflict() {
		NodeInventory inventory = inventory(2, 1);

		assertThatExceptionOfType(ValenceException.class).isThrownBy(() -> inventory.manage("2"))
			.satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(409));
	}

	@Test
	void manageOfAnIndexThePodmDoesNotHaveIsNotFound() {
		NodeInventory inventory = inventory(2, 1);

		for (String index : List.of("99", "x")) {
			assertThatExceptionOfType(ValenceException.class).isThrownBy(() -> inventory.manage(index))
				.satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(404));
		}
	}

	@Test
	void resetBringsBackTheSeededInventory() {
		NodeInventory inventory = inventory(2, 1);
		inventory.delete(NodeInventory.uuidOf(1, 1).toString());
		inventory.compose("extra", "");
		inventory.manage("3");
		inventory.find(NodeInventory.uuidOf(1, 2).toString()).forcePower(PowerState.On);

		inventory.reset();

		assertThat(inventory.nodes()).extracting(ComposedNode::index).containsExactly(1, 2);
		assertThat(inventory.nodes()).allSatisfy((node) -> assertThat(node.status().power()).isEqualTo(PowerState.Off));
		assertThat(inventory.manage("3").index()).isEqualTo(3);
	}

	private static UUID nameUuid(String name) {
		return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
	}

}
