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

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openstack.valence.emulator.EmulatorProperties;
import org.openstack.valence.emulator.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class InventoryPrinterTest {

	private static List<String> printed(int nodes) {
		EmulatorProperties properties = new EmulatorProperties(nodes, 1, Duration.ZERO, 0);
		InventoryPrinter printer = new InventoryPrinter(new NodeInventory(properties, new MutableClock()), properties);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		printer.print(new PrintStream(out, true, StandardCharsets.UTF_8), 8181);
		return out.toString(StandardCharsets.UTF_8).lines().toList();
	}

	@Test
	void printsOneLinePerNodeThenReady() {
		List<String> lines = printed(2);

		assertThat(lines).containsExactly("node 1 " + NodeInventory.uuidOf(1, 1) + " Server-1",
				"node 2 " + NodeInventory.uuidOf(1, 2) + " Server-2",
				"valence-emulator ready on port 8181: 2 nodes, seed 1, transition delay PT0S");
	}

	@Test
	void printsTheFirstNodesAndACountForALargeInventory() {
		List<String> lines = printed(10_000);

		assertThat(lines).hasSize(InventoryPrinter.PRINT_FIRST + 2);
		assertThat(lines.get(InventoryPrinter.PRINT_FIRST))
			.isEqualTo("... 9980 more nodes (GET /v1/nodes lists all 10000)");
	}

}
