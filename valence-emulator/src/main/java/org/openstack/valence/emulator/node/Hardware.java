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

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A node's hardware as Valence reports it in {@code metadata}. It is derived again from
 * (seed, index) on every read instead of being stored, which keeps 10,000 nodes small;
 * the same seed and index give the same hardware in every run.
 */
public record Hardware(List<Processor> processor, List<Memory> memory, List<Nic> network) {

	public record Processor(@JsonProperty("instruction_set") String instructionSet, String model,
			@JsonProperty("speed_mhz") int speedMhz, @JsonProperty("total_core") int totalCore) {
	}

	public record Memory(@JsonProperty("data_width_bit") int dataWidthBit, @JsonProperty("speed_mhz") int speedMhz,
			@JsonProperty("total_memory_mb") int totalMemoryMb) {
	}

	public record Nic(@JsonProperty("speed_mbps") int speedMbps, String mac, String status, List<Ipv4> ipv4,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) List<Vlan> vlans) {
	}

	public record Ipv4(String address, @JsonProperty("subnet_mask") String subnetMask, String gateway) {
	}

	public record Vlan(@JsonProperty("vlan_id") int vlanId, String status) {
	}

	private record CpuModel(String model, int speedMhz, int cores) {
	}

	private static final List<CpuModel> CPU_MODELS = List.of(
			new CpuModel("Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz", 2500, 12),
			new CpuModel("Intel(R) Xeon(R) CPU E5-2699 v4 @ 2.20GHz", 2200, 22),
			new CpuModel("Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz", 2200, 10),
			new CpuModel("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", 2400, 20),
			new CpuModel("Intel(R) Xeon(R) Gold 6154 CPU @ 3.00GHz", 3000, 18),
			new CpuModel("Intel(R) Xeon(R) Platinum 8180 CPU @ 2.50GHz", 2500, 28));

	private static final int[] DIMM_MB = { 8192, 16384, 32768 };

	private static final int[] DIMM_MHZ = { 2133, 2400, 2666 };

	private static final int[] NIC_MBPS = { 1000, 10000, 25000, 40000 };

	private static final HexFormat MAC = HexFormat.ofDelimiter(":");

	/** Drive sizes as sold (decimal): 240, 480, 960 and 1920 GB. */
	private static final long[] DISK_BYTES = { 240_057_409_536L, 480_103_981_056L, 960_197_124_096L,
			1_920_383_410_176L };

	/** Keeps the disks' draws apart from the metadata's, which stay as they were. */
	private static final long DISK_SALT = 0x5D15C5L;

	/**
	 * Golden-ratio stride: spreads (seed, index) pairs over the generator's seed space.
	 */
	private static final long STRIDE = 0x9E3779B97F4A7C15L;

	/**
	 * The hardware of PODM node {@code index} in a rack seeded with {@code seed}. MAC
	 * addresses are locally administered and embed the index, so they are unique across
	 * the whole inventory.
	 */
	public static Hardware of(long seed, int index) {
		SplittableRandom random = new SplittableRandom(seed * STRIDE + index);
		CpuModel cpu = CPU_MODELS.get(random.nextInt(CPU_MODELS.size()));
		int sockets = 1 + random.nextInt(2);
		List<Processor> processors = new ArrayList<>(sockets);
		for (int socket = 0; socket < sockets; socket++) {
			processors.add(new Processor("x86-64", cpu.model(), cpu.speedMhz(), cpu.cores()));
		}
		int dimmMb = DIMM_MB[random.nextInt(DIMM_MB.length)];
		int dimmMhz = DIMM_MHZ[random.nextInt(DIMM_MHZ.length)];
		int dimms = 2 * (1 + random.nextInt(6));
		List<Memory> memory = new ArrayList<>(dimms);
		for (int dimm = 0; dimm < dimms; dimm++) {
			memory.add(new Memory(64, dimmMhz, dimmMb));
		}
		int nics = 1 + random.nextInt(4);
		List<Nic> network = new ArrayList<>(nics);
		for (int port = 0; port < nics; port++) {
			List<Vlan> vlans = random.nextInt(4) == 0 ? List.of(new Vlan(100 + random.nextInt(3900), "Enabled"))
					: List.of();
			network.add(new Nic(NIC_MBPS[random.nextInt(NIC_MBPS.length)], mac(seed, index, port), "Enabled",
					List.of(ipv4(index, port)), vlans));
		}
		return new Hardware(List.copyOf(processors), List.copyOf(memory), List.copyOf(network));
	}

	/**
	 * The capacities in bytes of the 1 or 2 disks of PODM node {@code index}'s computer
	 * system, as its Redfish SimpleStorage devices report them ({@code CapacityBytes}).
	 * Valence's node metadata never shows them; {@code GET /v1/systems} sums them.
	 */
	public static long[] diskBytes(long seed, int index) {
		SplittableRandom random = new SplittableRandom((seed * STRIDE + index) ^ DISK_SALT);
		long[] disks = new long[1 + random.nextInt(2)];
		for (int disk = 0; disk < disks.length; disk++) {
			disks[disk] = DISK_BYTES[random.nextInt(DISK_BYTES.length)];
		}
		return disks;
	}

	/**
	 * 02:ss:ii:ii:ii:pp — locally administered, seed byte, 24-bit node index, port.
	 * HexFormat rather than String.format: every node read formats these again, and
	 * parsing a format string each time cost a visible share of the emulator's CPU per
	 * read.
	 */
	static String mac(long seed, int index, int port) {
		return MAC.formatHex(
				new byte[] { 0x02, (byte) seed, (byte) (index >> 16), (byte) (index >> 8), (byte) index, (byte) port });
	}

	/** One subnet per port number; addresses are data in a document, never contacted. */
	private static Ipv4 ipv4(int index, int port) {
		return new Ipv4("10." + port + "." + (index / 250) % 250 + "." + (1 + index % 250), "255.255.0.0",
				"10." + port + ".0.254");
	}

}
