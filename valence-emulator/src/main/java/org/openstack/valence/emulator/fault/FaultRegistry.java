package org.openstack.valence.emulator.fault;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * The faults in force: one setting for every Valence path and one per node for that
 * node's paths.
 */
@Component
public class FaultRegistry {

	private volatile FaultSettings global = FaultSettings.NONE;

	private final Map<UUID, FaultSettings> perNode = new ConcurrentHashMap<>();

	public FaultSettings global() {
		return this.global;
	}

	public void setGlobal(FaultSettings settings) {
		this.global = settings;
	}

	public FaultSettings node(UUID node) {
		return this.perNode.getOrDefault(node, FaultSettings.NONE);
	}

	public void setNode(UUID node, FaultSettings settings) {
		this.perNode.put(node, settings);
	}

	public void clearNode(UUID node) {
		this.perNode.remove(node);
	}

	/** No fault is set anywhere: requests need not be looked at. */
	public boolean isClear() {
		return this.global.equals(FaultSettings.NONE) && this.perNode.isEmpty();
	}

	/**
	 * What applies to a request: the global faults, strengthened by the node's when it
	 * names one.
	 */
	public FaultSettings effective(UUID node) {
		FaultSettings settings = this.global;
		return (node != null) ? settings.strongest(node(node)) : settings;
	}

	public void clearAll() {
		this.global = FaultSettings.NONE;
		this.perNode.clear();
	}

}
