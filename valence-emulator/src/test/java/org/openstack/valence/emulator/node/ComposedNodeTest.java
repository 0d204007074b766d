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

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openstack.valence.emulator.MutableClock;
import org.openstack.valence.emulator.web.ValenceException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ComposedNodeTest {

	private static final Duration DELAY = Duration.ofSeconds(10);

	private static final Duration HALF = DELAY.dividedBy(2);

	private final MutableClock clock = new MutableClock();

	private final Timeline timeline = new Timeline(this.clock, DELAY);

	private final ComposedNode node = ComposedNode.assembled(7, UUID.randomUUID(), "Server-7", "seeded", this.timeline);

	@Test
	void seededNodeIsAssembledOffWithContinuousHddBoot() {
		NodeStatus status = this.node.status();

		assertThat(status.power()).isEqualTo(PowerState.Off);
		assertThat(status.composition()).isEqualTo(CompositionState.Assembled);
		assertThat(status.bootSource()).isEqualTo(BootTarget.Hdd);
		assertThat(status.bootEnabled()).isEqualTo("Continuous");
	}

	@Test
	void resetOnPassesThroughPoweringOnForTheDelay() {
		this.node.apply(new NodeAction.Reset(ResetType.On));
		assertThat(this.node.status().power()).isEqualTo(PowerState.PoweringOn);

		this.clock.advance(DELAY.minusMillis(1));
		assertThat(this.node.status().power()).isEqualTo(PowerState.PoweringOn);

		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.node.status().power()).isEqualTo(PowerState.On);
	}

	@Test
	void forceOnBehavesLikeOn() {
		this.node.apply(new NodeAction.Reset(ResetType.ForceOn));
		assertThat(this.node.status().power()).isEqualTo(PowerState.PoweringOn);

		this.clock.advance(DELAY);
		assertThat(this.node.status().power()).isEqualTo(PowerState.On);
	}

	@Test
	void forceOffPassesThroughPoweringOff() {
		this.node.forcePower(PowerState.On);

		this.node.apply(new NodeAction.Reset(ResetType.ForceOff));
		assertThat(this.node.status().power()).isEqualTo(PowerState.PoweringOff);

		this.clock.advance(DELAY);
		assertThat(this.node.status().power()).isEqualTo(PowerState.Off);
	}

	@Test
	void gracefulRestartGoesPoweringOffThenPoweringOnThenOn() {
		this.node.forcePower(PowerState.On);

		this.node.apply(new NodeAction.Reset(ResetType.GracefulRestart));
		assertThat(this.node.status().power()).isEqualTo(PowerState.PoweringOff);

		this.clock.advance(DELAY);
		assertThat(this.node.status().power()).isEqualTo(PowerState.PoweringOn);

		this.clock.advance(DELAY);
		assertThat(this.node.status().power()).isEqualTo(PowerState.On);
	}

	@Test
	void gracefulRestartOfAnOffNodeIsAConflictAndChangesNothing() {
		assertThatExceptionOfType(ValenceException.class)
			.isThrownBy(() -> this.node.apply(new NodeAction.Reset(ResetType.GracefulRestart)))
			.satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(409))
			.withMessageContaining("is Off");

		assertThat(this.node.status().power()).isEqualTo(PowerState.Off);
	}

	@Test
	void powerOnOfANodeThatIsOnIsIgnored() {
		this.node.forcePower(PowerState.On);

		this.node.apply(new NodeAction.Reset(ResetType.On));

		assertThat(this.node.status().power()).isEqualTo(PowerState.On);
	}

	@Test
	void forceOffDuringPoweringOnAbortsTheBoot() {
		this.node.apply(new NodeAction.Reset(ResetType.On));
		this.clock.advance(HALF);

		this.node.apply(new NodeAction.Reset(ResetType.ForceOff));
		assertThat(this.node.status().power()).isEqualTo(PowerState.PoweringOff);

		this.clock.advance(DELAY);
		assertThat(this.node.status().power()).isEqualTo(PowerState.Off);
	}

	@Test
	void onceOverrideIsShownUntilTheNextBootCompletesThenTheContinuousOneIsBack() {
		this.node.apply(new NodeAction.Boot(BootEnabled.Once, BootTarget.Pxe));
		assertThat(this.node.status().bootSource()).isEqualTo(BootTarget.Pxe);
		assertThat(this.node.status().bootEnabled()).isEqualTo("Once");

		this.node.apply(new NodeAction.Reset(ResetType.On));
		assertThat(this.node.status().bootSource()).isEqualTo(BootTarget.Pxe);

		this.clock.advance(DELAY);
		NodeStatus booted = this.node.status();
		assertThat(booted.power()).isEqualTo(PowerState.On);
		assertThat(booted.bootSource()).isEqualTo(BootTarget.Hdd);
		assertThat(booted.bootEnabled()).isEqualTo("Continuous");
	}

	@Test
	void onceOverrideIsConsumedByAGracefulRestart() {
		this.node.forcePower(PowerState.On);
		this.node.apply(new NodeAction.Boot(BootEnabled.Once, BootTarget.Pxe));

		this.node.apply(new NodeAction.Reset(ResetType.GracefulRestart));
		this.clock.advance(DELAY);
		assertThat(this.node.status().bootSource()).isEqualTo(BootTarget.Pxe);

		this.clock.advance(DELAY);
		assertThat(this.node.status().bootSource()).isEqualTo(BootTarget.Hdd);
	}

	@Test
	void onceOverrideSurvivesAnAbortedBoot() {
		this.node.apply(new NodeAction.Boot(BootEnabled.Once, BootTarget.Pxe));
		this.node.apply(new NodeAction.Reset(ResetType.On));
		this.clock.advance(HALF);

		this.node.apply(new NodeAction.Reset(ResetType.ForceOff));
		this.clock.advance(DELAY);

		assertThat(this.node.status().bootSource()).isEqualTo(BootTarget.Pxe);
	}

	@Test
	void onceOverrideIsConsumedByAnOutOfBandPowerOn() {
		this.node.apply(new NodeAction.Boot(BootEnabled.Once, BootTarget.Pxe));

		this.node.forcePower(PowerState.On);

		assertThat(this.node.status().bootSource()).isEqualTo(BootTarget.Hdd);
	}

	@Test
	void continuousOverrideStaysAcrossBoots() {
		this.node.apply(new NodeAction.Boot(BootEnabled.Continuous, BootTarget.Pxe));

		this.node.apply(new NodeAction.Reset(ResetType.On));
		this.clock.advance(DELAY);

		assertThat(this.node.status().bootSource()).isEqualTo(BootTarget.Pxe);
		assertThat(this.node.status().bootEnabled()).isEqualTo("Continuous");
	}

	@Test
	void continuousTargetNoneDisablesTheOverride() {
		this.node.apply(new NodeAction.Boot(BootEnabled.Continuous, BootTarget.None));

		assertThat(this.node.status().bootSource()).isEqualTo(BootTarget.None);
		assertThat(this.node.status().bootEnabled()).isEqualTo("Disabled");
	}

	@Test
	void outOfBandPowerIsImmediate() {
		this.node.forcePower(PowerState.On);
		assertThat(this.node.status().power()).isEqualTo(PowerState.On);

		this.node.forcePower(PowerState.Off);
		assertThat(this.node.status().power()).isEqualTo(PowerState.Off);
	}

	@Test
	void zeroDelayMakesTransitionsImmediate() {
		ComposedNode instant = ComposedNode.assembled(1, UUID.randomUUID(), "n", "d",
				new Timeline(this.clock, Duration.ZERO));

		instant.apply(new NodeAction.Reset(ResetType.On));

		assertThat(instant.status().power()).isEqualTo(PowerState.On);
	}

	@Test
	void composingNodeWalksAllocatingAllocatedAssemblingAssembled() {
		ComposedNode composing = ComposedNode.composing(9, UUID.randomUUID(), "new", "", this.timeline);

		assertThat(composing.status().composition()).isEqualTo(CompositionState.Allocating);
		this.clock.advance(DELAY);
		assertThat(composing.status().composition()).isEqualTo(CompositionState.Allocated);
		this.clock.advance(DELAY);
		assertThat(composing.status().composition()).isEqualTo(CompositionState.Assembling);
		this.clock.advance(DELAY);
		assertThat(composing.status().composition()).isEqualTo(CompositionState.Assembled);
	}

	@Test
	void actionsOnANodeStillBeingComposedAreAConflict() {
		ComposedNode composing = ComposedNode.composing(9, UUID.randomUUID(), "new", "", this.timeline);

		assertThatExceptionOfType(ValenceException.class)
			.isThrownBy(() -> composing.apply(new NodeAction.Reset(ResetType.On)))
			.satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(409))
			.withMessageContaining("Allocating");
	}

	@Test
	void updatedAtIsTheEndOfTheLastTransition() {
		long start = this.clock.millis();
		this.node.apply(new NodeAction.Reset(ResetType.On));

		this.clock.advance(DELAY.multipliedBy(3));

		assertThat(this.node.status().updatedAt()).isEqualTo(start + DELAY.toMillis());
	}

	@Test
	void actionHistoryKeepsOnlyTheLatest() {
		for (int i = 0; i < ComposedNode.KEPT_ACTIONS + 5; i++) {
			this.node.record(Integer.toString(i), 204);
		}

		assertThat(this.node.actions()).hasSize(ComposedNode.KEPT_ACTIONS);
		assertThat(this.node.actions().get(0).body()).isEqualTo("5");
		assertThat(this.node.actionsReceived()).isEqualTo(ComposedNode.KEPT_ACTIONS + 5);
	}

	@Test
	void actionHistoryCutsLongBodies() {
		this.node.record("x".repeat(ComposedNode.KEPT_BODY_CHARS * 3), 400);

		assertThat(this.node.actions().get(0).body()).hasSize(ComposedNode.KEPT_BODY_CHARS);
	}

}
