package org.openstack.valence.driver.node;

import java.time.Duration;
import java.util.List;

import org.openstack.valence.driver.protocol.PowerState;
import org.openstack.valence.driver.valence.PowerPlan;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Drives a node to a power state and waits until Valence reports it settled
 * there: Valence accepts an action before it is carried out.
 */
@Service
public class PowerService {

	private static final Logger log = LoggerFactory.getLogger(PowerService.class);

	private final ValenceClient valence;

	private final Duration pollInterval;

	public PowerService(ValenceClient valence, PowerProperties properties) {
		this.valence = valence;
		this.pollInterval = properties.pollInterval();
	}

	/**
	 * @return the state reached: power off for a power off, else power on
	 * @throws org.openstack.valence.driver.valence.UnsupportedPowerStateException
	 * for soft power off, before anything is sent
	 * @throws PowerStateTimeoutException when the node has not settled in time
	 * @throws org.openstack.valence.driver.valence.ValenceException when a call to
	 * Valence fails
	 */
	public PowerState set(String nodeId, PowerState target, Duration timeout) {
		PowerState reached = PowerPlan.reached(target);
		long deadline = System.nanoTime() + timeout.toNanos();
		ValenceNode node = this.valence.getNode(nodeId);
		List<PowerPlan.Step> steps = PowerPlan.steps(target, node.powerState());
		if (steps.isEmpty()) {
			log.info("node {} is already {}: no action sent", nodeId, node.powerState());
		}
		for (PowerPlan.Step step : steps) {
			log.info("node {}: Reset {} for {}, then waiting for {}", nodeId, step.reset(), target, step.awaited());
			this.valence.reset(nodeId, step.reset());
			node = awaitSettled(nodeId, this.valence.getNode(nodeId), step.awaited(), deadline, timeout);
		}
		awaitSettled(nodeId, node, reached, deadline, timeout);
		return reached;
	}

	private ValenceNode awaitSettled(String nodeId, ValenceNode first, PowerState awaited, long deadline,
			Duration timeout) {
		ValenceNode node = first;
		while (!node.settledIn(awaited)) {
			if (System.nanoTime() + this.pollInterval.toNanos() > deadline) {
				throw new PowerStateTimeoutException("node " + nodeId + " did not reach '" + awaited + "' within "
						+ (timeout.toMillis() / 1000.0) + " s; Valence last reported node_power_state "
						+ node.nodePowerState());
			}
			sleep();
			node = this.valence.getNode(nodeId);
		}
		return node;
	}

	private void sleep() {
		try {
			Thread.sleep(this.pollInterval.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for a power state", ex);
		}
	}

}
