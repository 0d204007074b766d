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
