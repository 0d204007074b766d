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

import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;

import org.openstack.valence.emulator.web.ValenceException;

/**
 * One composed node: fixed identity plus the state a PODM would change. Transitions are
 * stored as a kind and a start time and resolved lazily against the {@link Timeline}, so
 * a node costs a few dozen bytes and no timer. Every method that reads or changes state
 * holds the node's monitor, so concurrent requests on one node see and make whole
 * transitions.
 */
public final class ComposedNode {

	/** Enough history to see what a driver just did without growing with traffic. */
	static final int KEPT_ACTIONS = 50;

	/**
	 * Bodies kept in the history are cut here so a hostile client cannot grow the heap.
	 */
	static final int KEPT_BODY_CHARS = 1024;

	/** Sentinel compose start for nodes that exist already assembled. */
	private static final long ASSEMBLED = Long.MIN_VALUE;

	private enum Transition {

		NONE, POWER_ON, POWER_OFF, RESTART

	}

	private final int index;

	private final UUID uuid;

	private final String name;

	private final String description;

	private final long createdAt;

	private final long composeStart;

	private final Timeline timeline;

	private long updatedAt;

	private PowerState settledPower = PowerState.Off;

	private Transition transition = Transition.NONE;

	private long transitionStart;

	private BootTarget persistentBoot = BootTarget.Hdd;

	/** A one-time override waiting for the next boot, or null. */
	private BootTarget onceBoot;

	private ArrayDeque<ReceivedAction> actions;

	private int actionsReceived;

	private ComposedNode(int index, UUID uuid, String name, String description, long composeStart, Timeline timeline) {
		this.index = index;
		this.uuid = uuid;
		this.name = name;
		this.description = description;
		this.timeline = timeline;
		this.createdAt = timeline.now();
		this.updatedAt = this.createdAt;
		this.composeStart = composeStart;
	}

	/**
	 * A node the PODM already holds assembled: power Off, boot source Hdd (Continuous).
	 */
	static ComposedNode assembled(int index, UUID uuid, String name, String description, Timeline timeline) {
		return new ComposedNode(index, uuid, name, description, ASSEMBLED, timeline);
	}

	/**
	 * A node whose composition starts now and walks Allocating, Allocated, Assembling,
	 * Assembled.
	 */
	static ComposedNode composing(int index, UUID uuid, String name, String description, Timeline timeline) {
		return new ComposedNode(index, uuid, name, description, timeline.now(), timeline);
	}

	public int index() {
		return this.index;
	}

	public UUID uuid() {
		return this.uuid;
	}

	public String name() {
		return this.name;
	}

	public String description() {
		return this.description;
	}

	public long createdAt() {
		return this.createdAt;
	}

	public synchronized NodeStatus status() {
		long now = this.timeline.now();
		settle(now);
		String enabled = (this.onceBoot != null) ? BootEnabled.Once.name()
				: (this.persistentBoot == BootTarget.None) ? "Disabled" : BootEnabled.Continuous.name();
		BootTarget source = (this.onceBoot != null) ? this.onceBoot : this.persistentBoot;
		return new NodeStatus(power(now), composition(now), source, enabled, this.updatedAt);
	}

	/**
	 * Carries out an action the way a PODM does: accepted at once, finished over the
	 * transition delay.
	 * @throws ValenceException 409 when the node is still being composed, or for
	 * GracefulRestart when the node is not On (there is no running system to restart)
	 */
	public synchronized void apply(NodeAction action) {
		long now = this.timeline.now();
		settle(now);
		CompositionState composition = composition(now);
		if (composition != CompositionState.Assembled) {
			throw ValenceException
				.conflict("Composed node " + this.uuid + " is " + composition + "; actions need an Assembled node");
		}
		if (action instanceof NodeAction.Reset reset) {
			reset(reset.type(), now);
		}
		else if (action instanceof NodeAction.Boot boot) {
			boot(boot.enabled(), boot.target(), now);
		}
	}

	/**
	 * Sets the power state at once, as a person at the rack would; powering on is a boot.
	 */
	public synchronized void forcePower(PowerState state) {
		long now = this.timeline.now();
		settle(now);
		boolean boots = state == PowerState.On && power(now) != PowerState.On;
		this.transition = Transition.NONE;
		this.settledPower = state;
		if (boots) {
			this.onceBoot = null;
		}
		this.updatedAt = now;
	}

	/**
	 * Keeps an action request in the node's history; only the latest
	 * {@value #KEPT_ACTIONS} stay.
	 */
	public synchronized void record(String body, int status) {
		if (this.actions == null) {
			this.actions = new ArrayDeque<>(4);
		}
		if (this.actions.size() == KEPT_ACTIONS) {
			this.actions.removeFirst();
		}
		String kept = (body == null) ? "" : body.substring(0, Math.min(body.length(), KEPT_BODY_CHARS));
		this.actions.addLast(new ReceivedAction(this.timeline.now(), kept, status));
		this.actionsReceived++;
	}

	public synchronized List<ReceivedAction> actions() {
		return (this.actions == null) ? List.of() : List.copyOf(this.actions);
	}

	/**
	 * Every action request received since the node was seeded, including those no longer
	 * kept.
	 */
	public synchronized int actionsReceived() {
		return this.actionsReceived;
	}

	private void reset(ResetType type, long now) {
		PowerState power = power(now);
		switch (type) {
			case On, ForceOn -> {
				// Already on or on its way: a BMC ignores a second power-on, and it is
				// not a new boot.
				if (power != PowerState.On && power != PowerState.PoweringOn) {
					begin(Transition.POWER_ON, now);
				}
			}
			case ForceOff -> {
				if (power != PowerState.Off && this.transition != Transition.POWER_OFF) {
					begin(Transition.POWER_OFF, now);
				}
			}
			case GracefulRestart -> {
				if (power != PowerState.On) {
					throw ValenceException.conflict("GracefulRestart needs a node that is On; composed node "
							+ this.uuid + " is " + power + ". Use Reset On to power it on");
				}
				begin(Transition.RESTART, now);
			}
		}
	}

	private void boot(BootEnabled enabled, BootTarget target, long now) {
		if (enabled == BootEnabled.Once) {
			this.onceBoot = target;
		}
		else {
			this.persistentBoot = target;
			this.onceBoot = null;
		}
		this.updatedAt = now;
	}

	private void begin(Transition kind, long now) {
		this.transition = kind;
		this.transitionStart = now;
		this.updatedAt = now;
	}

	/**
	 * Folds a finished transition into the settled state; a finished power-on or restart
	 * was a boot.
	 */
	private void settle(long now) {
		if (this.transition == Transition.NONE
				|| now - this.transitionStart < phases(this.transition) * this.timeline.delay()) {
			return;
		}
		PowerState reached = power(now);
		if (reached == PowerState.On) {
			this.onceBoot = null;
		}
		this.settledPower = reached;
		this.updatedAt = this.transitionStart + phases(this.transition) * this.timeline.delay();
		this.transition = Transition.NONE;
	}

	private PowerState power(long now) {
		long delay = this.timeline.delay();
		long elapsed = now - this.transitionStart;
		return switch (this.transition) {
			case NONE -> this.settledPower;
			case POWER_ON -> (elapsed < delay) ? PowerState.PoweringOn : PowerState.On;
			case POWER_OFF -> (elapsed < delay) ? PowerState.PoweringOff : PowerState.Off;
			case RESTART -> (elapsed < delay) ? PowerState.PoweringOff
					: (elapsed < 2 * delay) ? PowerState.PoweringOn : PowerState.On;
		};
	}

	private CompositionState composition(long now) {
		if (this.composeStart == ASSEMBLED) {
			return CompositionState.Assembled;
		}
		long delay = this.timeline.delay();
		long elapsed = now - this.composeStart;
		CompositionState[] walk = CompositionState.values();
		int step = (delay == 0) ? walk.length - 1 : (int) Math.min(walk.length - 1, elapsed / delay);
		return walk[step];
	}

	private static int phases(Transition transition) {
		return (transition == Transition.RESTART) ? 2 : 1;
	}

}
