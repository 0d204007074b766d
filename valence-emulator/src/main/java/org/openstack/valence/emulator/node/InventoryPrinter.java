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

import java.io.PrintStream;
import java.util.Iterator;

import org.openstack.valence.emulator.EmulatorProperties;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Prints the seeded nodes once the port is open, one {@code node <index> <uuid> <name>}
 * line each, on standard output so scripts can read them without parsing log lines. Up to
 * {@value #PRINT_ALL_UP_TO} nodes are all printed; above that the first
 * {@value #PRINT_FIRST} and a count ({@code GET /v1/nodes} lists all).
 */
@Component
class InventoryPrinter {

	static final int PRINT_ALL_UP_TO = 100;

	static final int PRINT_FIRST = 20;

	private final NodeInventory inventory;

	private final EmulatorProperties properties;

	InventoryPrinter(NodeInventory inventory, EmulatorProperties properties) {
		this.inventory = inventory;
		this.properties = properties;
	}

	@EventListener
	void ready(ApplicationReadyEvent event) {
		int port = (event.getApplicationContext() instanceof WebServerApplicationContext web)
				? web.getWebServer().getPort() : -1;
		print(System.out, port);
	}

	void print(PrintStream out, int port) {
		int total = this.inventory.size();
		int shown = (total <= PRINT_ALL_UP_TO) ? total : PRINT_FIRST;
		Iterator<ComposedNode> nodes = this.inventory.nodes().iterator();
		for (int i = 0; i < shown && nodes.hasNext(); i++) {
			ComposedNode node = nodes.next();
			out.println("node " + node.index() + " " + node.uuid() + " " + node.name());
		}
		if (shown < total) {
			out.println("... " + (total - shown) + " more nodes (GET /v1/nodes lists all " + total + ")");
		}
		out.println("valence-emulator ready on port " + port + ": " + total + " nodes, seed " + this.properties.seed()
				+ ", transition delay " + this.properties.transitionDelay());
		out.flush();
	}

}
