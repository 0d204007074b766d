package org.openstack.valence.driver.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.openstack.valence.driver.error.ExtendedProblemException;
import org.openstack.valence.driver.protocol.PowerState;
import org.openstack.valence.driver.valence.Deadline;
import org.openstack.valence.driver.valence.NodePoller;
import org.openstack.valence.driver.valence.PowerPlan;
import org.openstack.valence.driver.valence.ResetType;
import org.openstack.valence.driver.valence.Shutdown;
import org.openstack.valence.driver.valence.ShutdownException;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceException;
import org.openstack.valence.driver.valence.ValenceNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Drives a node to a power state and waits until Valence reports it settled there:
 * Valence accepts an action before it is carried out. The request's deadline bounds every
 * read, action and wait, and no action is sent once it has passed.
 */
@Service
public class PowerService {

	/**
	 * The problem document member that lists the Reset types sent before a power change
	 * failed, so that the caller knows whether Valence may have acted.
	 */
	static final String ACTIONS_SENT = "actions_sent";

	private static final Logger log = LoggerFactory.getLogger(PowerService.class);

	private final ValenceClient valence;

	private final NodeReader reader;

	private final NodePoller poller;

	private final Shutdown shutdown;

	public PowerService(ValenceClient valence, NodeReader reader, PowerProperties properties, Shutdown shutdown) {
		this.valence = valence;
		this.reader = reader;
		this.poller = new NodePoller(valence, properties.pollInterval(), shutdown);
		this.shutdown = shutdown;
	}

	/**
	 * @return the state reached: power off for a power off, else power on
	 * @throws org.openstack.valence.driver.valence.UnsupportedPowerStateException for
	 * soft power off, before anything is sent
	 * @throws org.openstack.valence.driver.valence.ValenceArgumentException for a state
	 * that can only be read, before anything is sent
	 * @throws ExtendedProblemException once Valence was asked: a
	 * {@link PowerStateTimeoutException} when the node has not settled by the deadline,
	 * or a {@link ValenceException} when a call to Valence failed (a
	 * {@link ValenceException.Timeout} when the deadline cut it short), with the
	 * {@value #ACTIONS_SENT} member; when the service began shutting down, a
	 * {@link ShutdownException} if nothing was sent, else a
	 * {@link PowerStateTimeoutException}
	 */
	public PowerState set(String nodeId, PowerState target, Deadline deadline) {
		PowerState reached = PowerPlan.reached(target);
		List<String> sent = new ArrayList<>();
		try {
			ValenceNode node = this.valence.getNode(nodeId, deadline);
			List<PowerPlan.Step> steps = PowerPlan.steps(target, node.powerState());
			if (steps.isEmpty()) {
				log.info("node {} is already {}: no action sent", nodeId, node.powerState());
			}
			for (PowerPlan.Step step : steps) {
				if (deadline.hasPassed()) {
					throw new PowerStateTimeoutException("the timeout of " + seconds(deadline) + " passed before Reset "
							+ step.reset() + " could be sent to node " + nodeId
							+ "; Valence last reported node_power_state " + node.nodePowerState());
				}
				this.shutdown.refuse("Reset " + step.reset() + " could be sent to node " + nodeId);
				log.info("node {}: Reset {} for {}, then waiting for {}", nodeId, step.reset(), target, step.awaited());
				sent.add(step.reset().toString());
				this.valence.reset(nodeId, step.reset(), deadline);
				node = awaitSettled(nodeId, this.poller.read(nodeId, deadline).node(), step.awaited(), deadline);
			}
			awaitSettled(nodeId, node, reached, deadline);
			return reached;
		}
		catch (ValenceException | PowerStateTimeoutException ex) {
			throw new ExtendedProblemException(ex, Map.of(ACTIONS_SENT, sent));
		}
		catch (ShutdownException ex) {
			// Another replica may take the change only when this one sent nothing.
			throw new ExtendedProblemException(
					sent.isEmpty() ? ex
							: new PowerStateTimeoutException("node " + nodeId + " did not reach '" + reached + "': "
									+ ex.getMessage() + ", after sending " + sent + "; nothing more is sent"),
					Map.of(ACTIONS_SENT, sent));
		}
		finally {
			// A failed change may have acted too.
			this.reader.changed(nodeId);
		}
	}

	private ValenceNode awaitSettled(String nodeId, ValenceNode first, PowerState awaited, Deadline deadline) {
		return this.poller.until(nodeId, NodePoller.Read.of(first), (node) -> node.settledIn(awaited), deadline,
				(node) -> new PowerStateTimeoutException("node " + nodeId + " did not reach '" + awaited
						+ "' within the timeout of " + seconds(deadline) + " (no time left for another read); "
						+ "Valence last reported node_power_state " + node.nodePowerState()));
	}

	private static String seconds(Deadline deadline) {
		return (deadline.budget().toMillis() / 1000.0) + " s";
	}

}
