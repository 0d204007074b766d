package org.openstack.valence.driver.valence;

import java.util.List;

import org.openstack.valence.driver.protocol.BootDevice;

/**
 * Valence's v1 API as the driver needs it. Every method throws a
 * {@link ValenceException} subclass that names the failure mode, and
 * {@link ValenceArgumentException} for a node id that does not match the
 * protocol's pattern (checked before any URL is built).
 */
public interface ValenceClient {

	/** GET /v1/nodes/{uuid}; retried on transient failures. */
	ValenceNode getNode(String nodeId);

	/** GET /v1/nodes, a bare array or a {"nodes": [...]} wrapper; retried. */
	List<ValenceNodeSummary> listNodes();

	/** GET / once, without retry: a probe that measures one attempt. */
	ValenceVersion probe();

	/** POST a Reset action; never retried, since a repeat may act twice. */
	void reset(String nodeId, ResetType type);

	/** POST a Boot action: Pxe or Hdd, Continuous when persistent else Once. */
	void setBootOverride(String nodeId, BootDevice device, boolean persistent);

}
