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

package org.openstack.valence.driver.protocol;

import java.util.List;

/**
 * The shim-to-service contract's fixed words that are not enums. The shim's
 * {@code ironic_valence/protocol.py} holds the same values; ProtocolContractTest fails
 * when the two disagree.
 */
public final class Protocol {

	public static final String API_VERSION_PREFIX = "/v1";

	public static final String REQUEST_ID_HEADER = "X-Openstack-Request-Id";

	/** A node id goes into Valence URL paths: never '.', '/' or '%'. */
	public static final String NODE_ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";

	/**
	 * The time budget of a request that is not a power change: every Valence call, retry
	 * and wait made for it fits in this many seconds (at most; the service may be
	 * configured shorter).
	 */
	public static final int READ_BUDGET_SECONDS = 10;

	/** The least "timeout" a power change may name, in seconds. */
	public static final int POWER_TIMEOUT_MIN_SECONDS = 1;

	/** The most "timeout" a power change may name, in seconds. */
	public static final int POWER_TIMEOUT_MAX_SECONDS = 3600;

	/**
	 * How late, in seconds, an answer may come after its budget is spent (the Valence
	 * call in flight is cut off); the shim waits this on top of the budget.
	 */
	public static final int ANSWER_OVERSHOOT_SECONDS = 1;

	/**
	 * The most node ids one power read of many nodes ({@code POST /v1/power-reads}) may
	 * name.
	 */
	public static final int POWER_READS_MAX_NODES = 100;

	/**
	 * The node list's query parameter naming the most nodes of a page, from 1 to
	 * {@link #NODE_LIST_MAX_LIMIT}.
	 */
	public static final String NODE_LIST_LIMIT = "limit";

	/** The node list's query parameter naming the node id after which a page begins. */
	public static final String NODE_LIST_MARKER = "marker";

	/** The member of a node list page that holds its nodes. */
	public static final String NODE_LIST_NODES = "nodes";

	/** The member of a node list page naming the next page's marker, null on the last. */
	public static final String NODE_LIST_NEXT_MARKER = "next_marker";

	/** The size of a node list page when the request names no limit. */
	public static final int NODE_LIST_DEFAULT_LIMIT = 500;

	/** The most nodes one node list page may hold. */
	public static final int NODE_LIST_MAX_LIMIT = 1000;

	/** The node document's health words (Redfish's), in their canonical spelling. */
	public static final List<String> HEALTH_STATES = List.of("OK", "Warning", "Critical");

	/**
	 * Valence's node_state of a node whose composition failed; power reads carry the
	 * node_state as their composition_state.
	 */
	public static final String COMPOSITION_STATE_FAILED = "Failed";

	private Protocol() {
	}

}
