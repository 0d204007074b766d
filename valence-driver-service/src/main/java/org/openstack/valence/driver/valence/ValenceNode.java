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

package org.openstack.valence.driver.valence;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.openstack.valence.driver.protocol.BootDevice;
import org.openstack.valence.driver.protocol.PowerState;
import org.openstack.valence.driver.protocol.Protocol;

/**
 * Valence's node detail, and its translation into the protocol's words. Fields the driver
 * does not use are ignored, as Valence's documentation asks.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ValenceNode(String uuid, String name, String description, String index,
		@JsonProperty("node_power_state") String nodePowerState, @JsonProperty("node_state") String nodeState,
		@JsonProperty("boot_source") String bootSource, @JsonProperty("health_status") String healthStatus,
		Metadata metadata, @JsonProperty("computer_system") ComputerSystem computerSystem) {

	private static final Pattern SYSTEM_ID = Pattern.compile(Protocol.NODE_ID_PATTERN);

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Metadata(List<Processor> processor, List<Memory> memory, List<Network> network) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Processor(@JsonProperty("instruction_set") String instructionSet,
			@JsonProperty("total_core") Integer totalCore) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Memory(@JsonProperty("total_memory_mb") Integer totalMemoryMb) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Network(String mac) {
	}

	/** The PODM's Redfish link to the composed node's computer system. */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record ComputerSystem(@JsonProperty("@odata.id") String odataId) {
	}

	/** On/PoweringOn are on, Off/PoweringOff are off, anything else is an error. */
	public PowerState powerState() {
		if ("On".equals(this.nodePowerState) || "PoweringOn".equals(this.nodePowerState)) {
			return PowerState.POWER_ON;
		}
		if ("Off".equals(this.nodePowerState) || "PoweringOff".equals(this.nodePowerState)) {
			return PowerState.POWER_OFF;
		}
		return PowerState.ERROR;
	}

	/**
	 * The steady state the node is in: power on for On, power off for Off; null while it
	 * is in transition or in a state Valence does not document.
	 */
	public PowerState settledState() {
		if ("On".equals(this.nodePowerState)) {
			return PowerState.POWER_ON;
		}
		if ("Off".equals(this.nodePowerState)) {
			return PowerState.POWER_OFF;
		}
		return null;
	}

	/**
	 * True while the node is in transition towards {@code state}: PoweringOn towards
	 * power on, PoweringOff towards power off.
	 */
	public boolean movingTo(PowerState state) {
		return (state == PowerState.POWER_ON && "PoweringOn".equals(this.nodePowerState))
				|| (state == PowerState.POWER_OFF && "PoweringOff".equals(this.nodePowerState));
	}

	/** Pxe is pxe, Hdd is disk, anything else is unknown (null). */
	public BootDevice bootDevice() {
		return BootTarget.deviceOf(this.bootSource);
	}

	/** Redfish health in its canonical spelling; Valence's samples write "ok". */
	public String health() {
		return Protocol.HEALTH_STATES.stream()
			.filter((h) -> h.equalsIgnoreCase(this.healthStatus))
			.findFirst()
			.orElse(null);
	}

	/** Sum of the processors' cores; null when Valence reports none. */
	public Integer cpus() {
		return sum(metadata().processor(), Processor::totalCore);
	}

	/** Sum of the memory modules' sizes; null when Valence reports none. */
	public Integer memoryMb() {
		return sum(metadata().memory(), Memory::totalMemoryMb);
	}

	/**
	 * Ironic's x86_64 for Valence's x86-64; any other instruction set is not guessed at.
	 */
	public String cpuArch() {
		List<Processor> processors = nonNull(metadata().processor());
		boolean x86 = !processors.isEmpty()
				&& processors.stream().allMatch((p) -> "x86-64".equalsIgnoreCase(p.instructionSet()));
		return x86 ? "x86_64" : null;
	}

	/** The NICs' MACs, lower-case, in Valence's order. */
	public List<String> macs() {
		return nonNull(metadata().network()).stream()
			.map(Network::mac)
			.filter((mac) -> mac != null && !mac.isBlank())
			.map((mac) -> mac.toLowerCase(Locale.ROOT))
			.toList();
	}

	/**
	 * The Redfish Id of the node's computer system (the last segment of its link), the id
	 * Valence's {@code /v1/systems/{id}} takes; null when Valence links none, or one that
	 * is not a safe path segment.
	 */
	public String systemId() {
		String link = (this.computerSystem != null) ? this.computerSystem.odataId() : null;
		if (link == null) {
			return null;
		}
		String id = link.substring(link.lastIndexOf('/') + 1);
		return SYSTEM_ID.matcher(id).matches() ? id : null;
	}

	@Override
	public Metadata metadata() {
		return (this.metadata != null) ? this.metadata : new Metadata(null, null, null);
	}

	private static <T> Integer sum(List<T> items, Function<T, Integer> value) {
		List<Integer> values = nonNull(items).stream().map(value).filter(Objects::nonNull).toList();
		return values.isEmpty() ? null : values.stream().mapToInt(Integer::intValue).sum();
	}

	private static <T> List<T> nonNull(List<T> items) {
		return (items != null) ? items.stream().filter(Objects::nonNull).toList() : List.of();
	}

}
