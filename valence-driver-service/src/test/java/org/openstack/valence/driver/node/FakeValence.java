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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.protocol.BootDevice;
import org.openstack.valence.driver.valence.Composition;
import org.openstack.valence.driver.valence.ResetType;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceFlavor;
import org.openstack.valence.driver.valence.ValenceNode;
import org.openstack.valence.driver.valence.ValenceNodeSummary;
import org.openstack.valence.driver.valence.ValenceSystem;
import org.openstack.valence.driver.valence.ValenceVersion;

/**
 * One composed node that moves through PoweringOn/PoweringOff the way a pod manager does:
 * an accepted Reset takes {@code transitionReads} reads of the node to finish. Records
 * each action with the power state it found; a Boot override changes the boot source at
 * once.
 */
class FakeValence implements ValenceClient {

	record Action(ResetType reset, String foundIn) {
	}

	private final int transitionReads;

	private String powerState;

	private String passingThrough;

	private String settlesInto;

	private int readsLeft;

	private int slowStart;

	private int startReadsLeft;

	private Consumer<ValenceNode> afterRead = (node) -> {
	};

	private int reads;

	private final List<Action> actions = new ArrayList<>();

	private HeldRead held;

	private String bootSource = "Hdd";

	FakeValence(String powerState, int transitionReads) {
		this.powerState = powerState;
		this.transitionReads = transitionReads;
	}

	/**
	 * A Valence that is slow to act: after an accepted Reset the node shows the state it
	 * was in for {@code reads} - 1 more reads before its transition begins.
	 */
	FakeValence slowToStart(int reads) {
		this.slowStart = reads;
		return this;
	}

	/**
	 * Runs {@code hook} with each node read, after the read, as another client may act.
	 */
	void afterRead(Consumer<ValenceNode> hook) {
		this.afterRead = hook;
	}

	/** A node stuck in a transition that never ends. */
	static FakeValence stuckIn(String powerState) {
		return new FakeValence(powerState, Integer.MAX_VALUE);
	}

	List<Action> actions() {
		return this.actions;
	}

	List<ResetType> resets() {
		return this.actions.stream().map(Action::reset).toList();
	}

	synchronized int reads() {
		return this.reads;
	}

	/**
	 * A read that has taken the node's state but not yet answered, as a Valence read in
	 * flight has: {@code started} is counted down when it begins, and it answers once
	 * {@code release} is.
	 */
	record HeldRead(CountDownLatch started, CountDownLatch release) {
	}

	/** Holds the next read until the returned {@link HeldRead} is released. */
	synchronized HeldRead holdNextRead() {
		this.held = new HeldRead(new CountDownLatch(1), new CountDownLatch(1));
		return this.held;
	}

	@Override
	public ValenceNode getNode(String nodeId, Deadline deadline) {
		ValenceNode node;
		HeldRead hold;
		synchronized (this) {
			this.reads++;
			if (this.startReadsLeft > 0) {
				if (--this.startReadsLeft == 0) {
					this.powerState = this.passingThrough;
				}
			}
			else if (this.settlesInto != null && --this.readsLeft <= 0) {
				this.powerState = this.settlesInto;
				this.settlesInto = null;
			}
			node = new ValenceNode(nodeId, "node", null, "1", this.powerState, "Assembled", this.bootSource, "OK", null,
					null);
			hold = this.held;
			this.held = null;
		}
		if (hold != null) {
			hold.started().countDown();
			try {
				hold.release().await(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.afterRead.accept(node);
		return node;
	}

	@Override
	public synchronized void reset(String nodeId, ResetType type, Deadline deadline) {
		this.actions.add(new Action(type, this.powerState));
		switch (type) {
			case ON -> transition("PoweringOn", "On");
			case FORCE_OFF -> transition("PoweringOff", "Off");
			case GRACEFUL_RESTART -> transition("PoweringOn", "On");
		}
	}

	private void transition(String passingThrough, String into) {
		this.passingThrough = passingThrough;
		this.settlesInto = into;
		this.readsLeft = this.transitionReads;
		this.startReadsLeft = this.slowStart;
		if (this.slowStart == 0) {
			this.powerState = passingThrough;
		}
	}

	@Override
	public ValenceSystem getSystem(String systemId, Deadline deadline) {
		throw new UnsupportedOperationException("not used by power changes");
	}

	@Override
	public List<ValenceNodeSummary> listNodes(Deadline deadline) {
		throw new UnsupportedOperationException("not used by power changes");
	}

	@Override
	public List<ValenceFlavor> listFlavors(Deadline deadline) {
		throw new UnsupportedOperationException("not used by power changes");
	}

	@Override
	public ValenceNodeSummary compose(Composition composition, Deadline deadline) {
		throw new UnsupportedOperationException("not used by power changes");
	}

	@Override
	public void deleteNode(String nodeId, Deadline deadline) {
		throw new UnsupportedOperationException("not used by power changes");
	}

	@Override
	public ValenceVersion probe(Deadline deadline) {
		throw new UnsupportedOperationException("not used by power changes");
	}

	@Override
	public synchronized void setBootOverride(String nodeId, BootDevice device, boolean persistent, Deadline deadline) {
		this.bootSource = (device == BootDevice.PXE) ? "Pxe" : "Hdd";
	}

}
