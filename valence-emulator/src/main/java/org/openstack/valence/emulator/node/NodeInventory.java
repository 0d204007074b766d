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
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.NavigableSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;

import org.openstack.valence.emulator.EmulatorProperties;
import org.openstack.valence.emulator.web.ValenceException;

import org.springframework.stereotype.Component;

/**
 * Valence's database of composed nodes together with the PODM behind it. Reads go
 * straight to concurrent maps; changes to the set of nodes (compose, delete, manage,
 * reset) are serialised on this object so a node is never half added.
 */
@Component
public class NodeInventory {

	private final EmulatorProperties properties;

	private final Timeline timeline;

	private final Map<UUID, ComposedNode> byUuid = new ConcurrentHashMap<>();

	private final ConcurrentSkipListMap<Integer, ComposedNode> byIndex = new ConcurrentSkipListMap<>();

	/**
	 * PODM node indexes that exist at the PODM but are not (yet) in Valence's database.
	 */
	private final NavigableSet<Integer> unmanaged = new ConcurrentSkipListSet<>();

	private int nextIndex;

	/**
	 * Set by the control API: the PODM has no free hardware to allocate, so every
	 * composition fails.
	 */
	private boolean allocationFails;

	public NodeInventory(EmulatorProperties properties, Clock clock) {
		this.properties = properties;
		this.timeline = new Timeline(clock, properties.transitionDelay());
		reset();
	}

	/**
	 * The uuid of PODM node {@code index} for a seed; stable so scripts and tests can
	 * rely on it.
	 */
	public static UUID uuidOf(long seed, int index) {
		return UUID.nameUUIDFromBytes(("valence-emulator:" + seed + ":" + index).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Back to the seeded state: nodes 1..node-count managed, the next unmanaged-count
	 * only at the PODM.
	 */
	public synchronized void reset() {
		this.allocationFails = false;
		this.byUuid.clear();
		this.byIndex.clear();
		this.unmanaged.clear();
		int count = this.properties.nodeCount();
		for (int index = 1; index <= count; index++) {
			add(ComposedNode.assembled(index, uuidOf(this.properties.seed(), index), "Server-" + index,
					seededDescription(index), this.timeline));
		}
		for (int index = count + 1; index <= count + this.properties.unmanagedCount(); index++) {
			this.unmanaged.add(index);
		}
		this.nextIndex = count + this.properties.unmanagedCount() + 1;
	}

	/** Managed nodes in PODM index order. */
	public Collection<ComposedNode> nodes() {
		return this.byIndex.values();
	}

	public int size() {
		return this.byIndex.size();
	}

	/**
	 * The node with this uuid.
	 * @throws ValenceException 404 when Valence does not manage such a node
	 */
	public ComposedNode find(String uuid) {
		ComposedNode node = null;
		try {
			node = this.byUuid.get(UUID.fromString(uuid));
		}
		catch (IllegalArgumentException ex) {
			// Not a uuid: Valence would simply not find it in its database.
		}
		if (node == null) {
			throw ValenceException.notFound("Composed node '" + uuid + "' not found in database.");
		}
		return node;
	}

	/**
	 * Composes a node at the PODM and starts its Allocating, Allocated, Assembling walk.
	 * @throws ValenceException 409, as Valence passes on the PODM's refusal, while
	 * allocations fail
	 */
	public synchronized ComposedNode compose(String name, String description) {
		if (this.allocationFails) {
			throw ValenceException.conflict("The pod manager could not allocate a composed node for '" + name
					+ "': no free resources match the request (emulated PODM)");
		}
		int index = this.nextIndex++;
		return add(
				ComposedNode.composing(index, uuidOf(this.properties.seed(), index), name, description, this.timeline));
	}

	/** Makes every composition fail at allocation from now on, or no longer. */
	public synchronized void failAllocations(boolean fails) {
		this.allocationFails = fails;
	}

	public synchronized boolean allocationFails() {
		return this.allocationFails;
	}

	/**
	 * Disassembles a node at the PODM and forgets it.
	 * @throws ValenceException 404 for an unknown uuid
	 */
	public synchronized ComposedNode delete(String uuid) {
		ComposedNode node = find(uuid);
		this.byUuid.remove(node.uuid());
		this.byIndex.remove(node.index());
		return node;
	}

	/**
	 * Valence loses the node from its database while the PODM keeps it, as when Valence's
	 * database is restored from an older backup: the node is unmanaged again, and
	 * {@link #manage(String)} of its index brings it back with the same uuid.
	 * @throws ValenceException 404 when Valence does not manage such a node
	 */
	public synchronized ComposedNode forget(String uuid) {
		ComposedNode node = delete(uuid);
		this.unmanaged.add(node.index());
		return node;
	}

	/**
	 * Adopts a node the PODM already holds.
	 * @throws ValenceException 400 when the index is not a PODM index, 409 when Valence
	 * already manages it, 404 when the PODM has no such node
	 */
	public synchronized ComposedNode manage(String nodeIndex) {
		int index;
		try {
			index = Integer.parseInt(nodeIndex);
		}
		catch (NumberFormatException ex) {
			throw ValenceException.notFound("The PODM has no composed node with index '" + nodeIndex + "'");
		}
		if (this.byIndex.containsKey(index)) {
			throw ValenceException.conflict("Composed node with index " + index + " is already managed by Valence, "
					+ "as " + this.byIndex.get(index).uuid());
		}
		if (!this.unmanaged.remove(index)) {
			throw ValenceException.notFound("The PODM has no composed node with index '" + nodeIndex + "'");
		}
		return add(ComposedNode.assembled(index, uuidOf(this.properties.seed(), index), "Server-" + index,
				seededDescription(index), this.timeline));
	}

	/** Indexes of every node the PODM holds, managed or not, in order. */
	public NavigableSet<Integer> podmIndexes() {
		NavigableSet<Integer> all = new ConcurrentSkipListSet<>(this.unmanaged);
		all.addAll(this.byIndex.keySet());
		return all;
	}

	public Hardware hardware(ComposedNode node) {
		return hardware(node.index());
	}

	/** The disks of PODM node {@code index}, managed or not. */
	public long[] diskBytes(int index) {
		return Hardware.diskBytes(this.properties.seed(), index);
	}

	/** The hardware of PODM node {@code index}, managed or not. */
	public Hardware hardware(int index) {
		return Hardware.of(this.properties.seed(), index);
	}

	/** The Redfish UUID of PODM node {@code index}'s computer system. */
	public UUID systemUuid(int index) {
		return UUID.nameUUIDFromBytes(
				("valence-emulator:" + this.properties.seed() + ":system:" + index).getBytes(StandardCharsets.UTF_8));
	}

	private ComposedNode add(ComposedNode node) {
		this.byUuid.put(node.uuid(), node);
		this.byIndex.put(node.index(), node);
		return node;
	}

	private static String seededDescription(int index) {
		return "Composed node " + index + " of the emulated pod";
	}

}
