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

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.protocol.BootDevice;
import org.openstack.valence.driver.protocol.PowerState;
import org.openstack.valence.driver.shutdown.Shutdown;
import org.openstack.valence.driver.shutdown.ShutdownException;
import org.openstack.valence.driver.valence.ResetType;
import org.openstack.valence.driver.valence.ValenceArgumentException;

import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PowerServiceTest {

	private static final String NODE = "node-1";

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static Deadline deadline() {
		return Deadline.after(TIMEOUT);
	}

	private static PowerService service(FakeValence valence) {
		return service(valence, new NodeLocks());
	}

	private static PowerService service(FakeValence valence, NodeLocks locks) {
		return new PowerService(valence, new NodeReader(valence), locks,
				new PowerProperties(TIMEOUT, Duration.ofMillis(1)), new Shutdown());
	}

	private static PowerService service(FakeValence valence, Shutdown shutdown, Duration pollInterval) {
		return new PowerService(valence, new NodeReader(valence), new NodeLocks(),
				new PowerProperties(TIMEOUT, pollInterval), shutdown);
	}

	@Test
	void powerOnSendsOnAndWaitsUntilOn() {
		FakeValence valence = new FakeValence("Off", 3);

		PowerState reached = service(valence).set(NODE, PowerState.POWER_ON, deadline());

		assertThat(reached).isEqualTo(PowerState.POWER_ON);
		assertThat(valence.resets()).containsExactly(ResetType.ON);
		assertThat(valence.getNode(NODE, deadline()).nodePowerState()).isEqualTo("On");
	}

	@Test
	void powerOffSendsForceOff() {
		FakeValence valence = new FakeValence("On", 2);

		assertThat(service(valence).set(NODE, PowerState.POWER_OFF, deadline())).isEqualTo(PowerState.POWER_OFF);
		assertThat(valence.resets()).containsExactly(ResetType.FORCE_OFF);
	}

	@Test
	void alreadyOnSendsNothing() {
		FakeValence valence = new FakeValence("On", 2);

		assertThat(service(valence).set(NODE, PowerState.POWER_ON, deadline())).isEqualTo(PowerState.POWER_ON);
		assertThat(valence.actions()).isEmpty();
	}

	@Test
	void alreadyPoweringOffSendsNothingAndWaitsUntilOff() {
		FakeValence valence = new FakeValence("On", 3);
		valence.reset(NODE, ResetType.FORCE_OFF, deadline());
		valence.actions().clear();

		assertThat(service(valence).set(NODE, PowerState.POWER_OFF, deadline())).isEqualTo(PowerState.POWER_OFF);
		assertThat(valence.actions()).isEmpty();
		assertThat(valence.getNode(NODE, deadline()).nodePowerState()).isEqualTo("Off");
	}

	@Test
	void rebootTurnsOffWaitsForOffThenTurnsOn() {
		FakeValence valence = new FakeValence("On", 3);

		assertThat(service(valence).set(NODE, PowerState.REBOOT, deadline())).isEqualTo(PowerState.POWER_ON);
		assertThat(valence.actions()).containsExactly(new FakeValence.Action(ResetType.FORCE_OFF, "On"),
				new FakeValence.Action(ResetType.ON, "Off"));
		assertThat(valence.getNode(NODE, deadline()).nodePowerState()).isEqualTo("On");
	}

	@Test
	void rebootOfANodeThatIsOffOnlyPowersItOn() {
		FakeValence valence = new FakeValence("Off", 2);

		assertThat(service(valence).set(NODE, PowerState.REBOOT, deadline())).isEqualTo(PowerState.POWER_ON);
		assertThat(valence.resets()).containsExactly(ResetType.ON);
	}

	@Test
	void softRebootIsAGracefulRestartAwaitedUntilOn() {
		FakeValence valence = new FakeValence("On", 3);

		assertThat(service(valence).set(NODE, PowerState.SOFT_REBOOT, deadline())).isEqualTo(PowerState.POWER_ON);
		assertThat(valence.resets()).containsExactly(ResetType.GRACEFUL_RESTART);
		assertThat(valence.getNode(NODE, deadline()).nodePowerState()).isEqualTo("On");
	}

	@Test
	void softPowerOffIsRefusedBeforeValenceIsAsked() {
		FakeValence valence = new FakeValence("On", 1);

		assertThatThrownBy(() -> service(valence).set(NODE, PowerState.SOFT_POWER_OFF, deadline()))
			.isInstanceOf(UnsupportedPowerStateException.class)
			.hasMessageContaining("no GracefulShutdown");
		assertThat(valence.reads()).isZero();
	}

	@Test
	void errorIsNoTarget() {
		FakeValence valence = new FakeValence("On", 1);

		assertThatThrownBy(() -> service(valence).set(NODE, PowerState.ERROR, deadline()))
			.isInstanceOf(ValenceArgumentException.class);
		assertThat(valence.reads()).isZero();
	}

	@Test
	void nodeThatNeverSettlesTimesOutNamingItsLastState() {
		FakeValence valence = FakeValence.stuckIn("Off");

		assertThatThrownBy(
				() -> service(valence).set(NODE, PowerState.POWER_ON, Deadline.after(Duration.ofMillis(100))))
			.isInstanceOf(ErrorResponseException.class)
			.hasCauseInstanceOf(PowerStateTimeoutException.class)
			.hasMessageContaining("did not reach 'power on'")
			.hasMessageContaining("PoweringOn")
			.extracting(PowerServiceTest::members)
			.isEqualTo(Map.of("actions_sent", List.of("On")));
		assertThat(valence.resets()).containsExactly(ResetType.ON);
	}

	@Test
	void rebootThatNeverReachesOffNeverSendsOn() {
		FakeValence valence = new FakeValence("On", Integer.MAX_VALUE);

		assertThatThrownBy(() -> service(valence).set(NODE, PowerState.REBOOT, Deadline.after(Duration.ofMillis(100))))
			.isInstanceOf(ErrorResponseException.class)
			.hasCauseInstanceOf(PowerStateTimeoutException.class)
			.hasMessageContaining("did not reach 'power off'")
			.extracting(PowerServiceTest::members)
			.isEqualTo(Map.of("actions_sent", List.of("ForceOff")));
		assertThat(valence.resets()).containsExactly(ResetType.FORCE_OFF);
	}

	@Test
	void rebootOfANodePoweringOnSendsNothingAndWaitsUntilOn() {
		FakeValence valence = poweringOn();

		assertThat(service(valence).set(NODE, PowerState.REBOOT, deadline())).isEqualTo(PowerState.POWER_ON);
		assertThat(valence.actions()).isEmpty();
		assertThat(valence.getNode(NODE, deadline()).nodePowerState()).isEqualTo("On");
	}

	@Test
	void softRebootOfANodePoweringOnSendsNothingAndWaitsUntilOn() {
		FakeValence valence = poweringOn();

		assertThat(service(valence).set(NODE, PowerState.SOFT_REBOOT, deadline())).isEqualTo(PowerState.POWER_ON);
		assertThat(valence.actions()).isEmpty();
	}

	/** A node another replica (since gone) has begun to power on. */
	private static FakeValence poweringOn() {
		FakeValence valence = new FakeValence("Off", 3);
		valence.reset(NODE, ResetType.ON, deadline());
		valence.actions().clear();
		return valence;
	}

	@Test
	void changeReversedByAnotherIsAConflictAsSoonAsTheNodeSettles() {
		FakeValence valence = new FakeValence("Off", 3);
		AtomicBoolean reversed = new AtomicBoolean();
		valence.afterRead((node) -> {
			if ("PoweringOn".equals(node.nodePowerState()) && reversed.compareAndSet(false, true)) {
				valence.reset(NODE, ResetType.FORCE_OFF, deadline());
			}
		});

		assertThatThrownBy(() -> service(valence).set(NODE, PowerState.POWER_ON, deadline()))
			.isInstanceOf(ErrorResponseException.class)
			.hasCauseInstanceOf(PowerStateConflictException.class)
			.hasMessageContaining("settled in 'power off'")
			.hasMessageContaining("another change reversed this one")
			.extracting(PowerServiceTest::members)
			.isEqualTo(Map.of("actions_sent", List.of("On")));
		// read, read after On (PoweringOn), two reads PoweringOff, then Off: no read
		// more.
		assertThat(valence.reads()).isEqualTo(5);
		assertThat(valence.resets()).containsExactly(ResetType.ON, ResetType.FORCE_OFF);
	}

	@Test
	void valenceSlowToBeginTheTransitionIsNoReversal() {
		FakeValence valence = new FakeValence("Off", 2).slowToStart(4);

		assertThat(service(valence).set(NODE, PowerState.POWER_ON, deadline())).isEqualTo(PowerState.POWER_ON);
		assertThat(valence.resets()).containsExactly(ResetType.ON);
	}

	@Test
	void secondChangeOfANodeReadsAndActsOnlyOnceTheFirstIsAnswered() throws Exception {
		FakeValence valence = new FakeValence("Off", 2);
		NodeLocks locks = new NodeLocks();
		PowerService power = service(valence, locks);
		FakeValence.HeldRead held = valence.holdNextRead();
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			Future<PowerState> first = threads.submit(() -> power.set(NODE, PowerState.POWER_ON, deadline()));
			assertThat(held.started().await(5, TimeUnit.SECONDS)).isTrue();
			Future<PowerState> second = threads.submit(() -> power.set(NODE, PowerState.POWER_OFF, deadline()));
			Thread.sleep(200);
			assertThat(valence.reads()).as("the second change waits before its read").isEqualTo(1);
			assertThat(locks.size()).isEqualTo(1);

			held.release().countDown();

			assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(PowerState.POWER_ON);
			assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(PowerState.POWER_OFF);
		}
		finally {
			held.release().countDown();
			threads.shutdownNow();
		}
		assertThat(valence.actions()).containsExactly(new FakeValence.Action(ResetType.ON, "Off"),
				new FakeValence.Action(ResetType.FORCE_OFF, "On"));
		assertThat(locks.size()).as("no lock is kept for an idle node").isZero();
	}

	@Test
	void changesQueuedPastTheirDeadlineTimeOutWithNothingSent() throws Exception {
		FakeValence valence = new FakeValence("Off", 2);
		NodeLocks locks = new NodeLocks();
		PowerService power = service(valence, locks);
		BootDeviceService bootDevice = new BootDeviceService(valence, new NodeReader(valence), locks, new Shutdown());
		FakeValence.HeldRead held = valence.holdNextRead();
		ExecutorService threads = Executors.newSingleThreadExecutor();
		try {
			Future<PowerState> first = threads.submit(() -> power.set(NODE, PowerState.POWER_ON, deadline()));
			assertThat(held.started().await(5, TimeUnit.SECONDS)).isTrue();

			long start = System.nanoTime();
			assertThatThrownBy(() -> power.set(NODE, PowerState.POWER_OFF, Deadline.after(Duration.ofMillis(200))))
				.isInstanceOf(ErrorResponseException.class)
				.hasCauseInstanceOf(QueuedTooLongException.class)
				.hasMessageContaining("earlier power or boot device change of node " + NODE)
				.satisfies((ex) -> assertThat(code(ex.getCause())).isEqualTo(ErrorCode.POWER_STATE_TIMEOUT.name()))
				.extracting(PowerServiceTest::members)
				.isEqualTo(Map.of("actions_sent", List.of()));
			assertThatThrownBy(() -> bootDevice.set(NODE, BootDevice.PXE, true, Deadline.after(Duration.ofMillis(200))))
				.isInstanceOf(ErrorResponseException.class)
				.satisfies((ex) -> assertThat(code(ex.getCause())).isEqualTo(ErrorCode.VALENCE_TIMEOUT.name()))
				.extracting(PowerServiceTest::members)
				.isEqualTo(Map.of("actions_sent", List.of()));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
			assertThat(valence.reads()).isEqualTo(1);

			held.release().countDown();
			assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(PowerState.POWER_ON);
		}
		finally {
			held.release().countDown();
			threads.shutdownNow();
		}
		assertThat(valence.resets()).containsExactly(ResetType.ON);
		assertThat(valence.getNode(NODE, deadline()).bootDevice()).isEqualTo(BootDevice.DISK);
		assertThat(locks.size()).isZero();
	}

	@Test
	void changesOfOtherNodesDoNotWait() throws Exception {
		FakeValence valence = new FakeValence("Off", 2);
		PowerService power = service(valence, new NodeLocks());
		FakeValence.HeldRead held = valence.holdNextRead();
		ExecutorService threads = Executors.newSingleThreadExecutor();
		try {
			threads.submit(() -> power.set(NODE, PowerState.POWER_ON, deadline()));
			assertThat(held.started().await(5, TimeUnit.SECONDS)).isTrue();

			assertThat(power.set("node-2", PowerState.POWER_ON, Deadline.after(Duration.ofSeconds(2))))
				.isEqualTo(PowerState.POWER_ON);
		}
		finally {
			held.release().countDown();
			threads.shutdownNow();
		}
	}

	@Test
	void shutdownBeforeAnyActionSendsNothingSoAnotherReplicaMayTakeTheChange() {
		FakeValence valence = new FakeValence("On", 3);
		Shutdown shutdown = new Shutdown();
		shutdown.begin();

		assertThatThrownBy(
				() -> service(valence, shutdown, Duration.ofMillis(1)).set(NODE, PowerState.REBOOT, deadline()))
			.isInstanceOf(ErrorResponseException.class)
			.hasCauseInstanceOf(ShutdownException.class)
			.hasMessageContaining("before Reset ForceOff could be sent")
			.extracting(PowerServiceTest::members)
			.isEqualTo(Map.of("actions_sent", List.of()));
		assertThat(valence.actions()).isEmpty();
	}

	@Test
	void bootDeviceChangeAfterTheShutdownBeganSendsNothing() {
		FakeValence valence = new FakeValence("On", 3);
		Shutdown shutdown = new Shutdown();
		shutdown.begin();
		BootDeviceService bootDevice = new BootDeviceService(valence, new NodeReader(valence), new NodeLocks(),
				shutdown);

		assertThatThrownBy(() -> bootDevice.set(NODE, BootDevice.PXE, false, deadline()))
			.isInstanceOf(ErrorResponseException.class)
			.hasCauseInstanceOf(ShutdownException.class)
			.extracting(PowerServiceTest::members)
			.isEqualTo(Map.of("actions_sent", List.of()));
		assertThat(valence.getNode(NODE, deadline()).bootDevice()).isNotEqualTo(BootDevice.PXE);
	}

	@Test
	void shutdownEndsTheWaitAtOnceAndSendsNoFurtherAction() {
		FakeValence valence = new FakeValence("On", Integer.MAX_VALUE);
		Shutdown shutdown = new Shutdown();
		PowerService power = service(valence, shutdown, Duration.ofSeconds(30));
		CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(shutdown::begin);
		long start = System.nanoTime();

		assertThatThrownBy(() -> power.set(NODE, PowerState.REBOOT, Deadline.after(Duration.ofSeconds(60))))
			.isInstanceOf(ErrorResponseException.class)
			.hasCauseInstanceOf(PowerStateTimeoutException.class)
			.hasMessageContaining("shutting down")
			.extracting(PowerServiceTest::members)
			.isEqualTo(Map.of("actions_sent", List.of("ForceOff")));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(valence.resets()).containsExactly(ResetType.FORCE_OFF);
	}

	/** The extension members of a failure's document. */
	private static Map<String, Object> members(Throwable ex) {
		Map<String, Object> members = new HashMap<>(((ErrorResponseException) ex).getBody().getProperties());
		members.remove("code");
		return members;
	}

	private static Object code(Throwable ex) {
		return ((ErrorResponseException) ex).getBody().getProperties().get("code");
	}

}
