package org.openstack.valence.driver.node;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.error.ExtendedProblemException;
import org.openstack.valence.driver.protocol.PowerState;
import org.openstack.valence.driver.valence.Deadline;
import org.openstack.valence.driver.valence.ResetType;
import org.openstack.valence.driver.valence.Shutdown;
import org.openstack.valence.driver.valence.ShutdownException;
import org.openstack.valence.driver.valence.UnsupportedPowerStateException;
import org.openstack.valence.driver.valence.ValenceArgumentException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PowerServiceTest {

	private static final String NODE = "node-1";

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static Deadline deadline() {
		return Deadline.after(TIMEOUT);
	}

	private static PowerService service(FakeValence valence) {
		return service(valence, new Shutdown(), Duration.ofMillis(1));
	}

	private static PowerService service(FakeValence valence, Shutdown shutdown, Duration pollInterval) {
		return new PowerService(valence, new NodeReader(valence), new PowerProperties(TIMEOUT, pollInterval), shutdown);
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
			.isInstanceOf(ExtendedProblemException.class)
			.hasCauseInstanceOf(PowerStateTimeoutException.class)
			.hasMessageContaining("did not reach 'power on'")
			.hasMessageContaining("PoweringOn")
			.extracting("members")
			.isEqualTo(Map.of("actions_sent", List.of("On")));
		assertThat(valence.resets()).containsExactly(ResetType.ON);
	}

	@Test
	void rebootThatNeverReachesOffNeverSendsOn() {
		FakeValence valence = new FakeValence("On", Integer.MAX_VALUE);

		assertThatThrownBy(() -> service(valence).set(NODE, PowerState.REBOOT, Deadline.after(Duration.ofMillis(100))))
			.isInstanceOf(ExtendedProblemException.class)
			.hasCauseInstanceOf(PowerStateTimeoutException.class)
			.hasMessageContaining("did not reach 'power off'")
			.extracting("members")
			.isEqualTo(Map.of("actions_sent", List.of("ForceOff")));
		assertThat(valence.resets()).containsExactly(ResetType.FORCE_OFF);
	}

	@Test
	void shutdownBeforeAnyActionSendsNothingSoAnotherReplicaMayTakeTheChange() {
		FakeValence valence = new FakeValence("On", 3);
		Shutdown shutdown = new Shutdown();
		shutdown.begin();

		assertThatThrownBy(
				() -> service(valence, shutdown, Duration.ofMillis(1)).set(NODE, PowerState.REBOOT, deadline()))
			.isInstanceOf(ExtendedProblemException.class)
			.hasCauseInstanceOf(ShutdownException.class)
			.hasMessageContaining("before Reset ForceOff could be sent")
			.extracting("members")
			.isEqualTo(Map.of("actions_sent", List.of()));
		assertThat(valence.actions()).isEmpty();
	}

	@Test
	void shutdownEndsTheWaitAtOnceAndSendsNoFurtherAction() {
		FakeValence valence = new FakeValence("On", Integer.MAX_VALUE);
		Shutdown shutdown = new Shutdown();
		PowerService power = service(valence, shutdown, Duration.ofSeconds(30));
		CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(shutdown::begin);
		long start = System.nanoTime();

		assertThatThrownBy(() -> power.set(NODE, PowerState.REBOOT, Deadline.after(Duration.ofSeconds(60))))
			.isInstanceOf(ExtendedProblemException.class)
			.hasCauseInstanceOf(PowerStateTimeoutException.class)
			.hasMessageContaining("shutting down")
			.extracting("members")
			.isEqualTo(Map.of("actions_sent", List.of("ForceOff")));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(valence.resets()).containsExactly(ResetType.FORCE_OFF);
	}

}
