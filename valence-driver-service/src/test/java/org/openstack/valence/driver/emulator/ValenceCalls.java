/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this
 * file except in compliance with the License. You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under
 * the License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
 * KIND, either express or implied. See the License for the specific language governing
 * permissions and limitations under the License.
 */

package org.openstack.valence.driver.emulator;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceNode;

/**
 * The node reads and Reset actions a Valence client made, in the order they happened,
 * each with the thread that made it: a read is recorded once it has answered, a Reset
 * before it is sent, so that the order is the order Valence saw them in.
 */
final class ValenceCalls {

	/**
	 * @param what "read" or "reset"
	 * @param value the node_power_state read, or the Reset type sent
	 */
	record Call(String thread, String nodeId, String what, String value) {
	}

	private static final List<Call> calls = new ArrayList<>();

	private ValenceCalls() {
	}

	/** {@code client}, recording its node reads and Reset actions. */
	static ValenceClient recording(ValenceClient client) {
		return (ValenceClient) Proxy.newProxyInstance(ValenceCalls.class.getClassLoader(),
				new Class<?>[] { ValenceClient.class }, (proxy, method, args) -> {
					if (method.getName().equals("reset")) {
						add(new Call(Thread.currentThread().getName(), (String) args[0], "reset", args[1].toString()));
					}
					Object answer;
					try {
						answer = method.invoke(client, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
					if (answer instanceof ValenceNode node) {
						add(new Call(Thread.currentThread().getName(), (String) args[0], "read",
								node.nodePowerState()));
					}
					return answer;
				});
	}

	private static synchronized void add(Call call) {
		calls.add(call);
	}

	static synchronized void clear() {
		calls.clear();
	}

	/** The calls about one node, oldest first. */
	static synchronized List<Call> of(String nodeId) {
		return calls.stream().filter((call) -> call.nodeId().equals(nodeId)).toList();
	}

	/**
	 * The calls cut where the thread changes: one run per thread when none interleave.
	 */
	static List<List<Call>> runsByThread(List<Call> calls) {
		List<List<Call>> runs = new ArrayList<>();
		for (Call call : calls) {
			if (runs.isEmpty() || !runs.get(runs.size() - 1).get(0).thread().equals(call.thread())) {
				runs.add(new ArrayList<>());
			}
			runs.get(runs.size() - 1).add(call);
		}
		return runs;
	}

	/**
	 * Waits until a call about the node has {@code what} and {@code value}.
	 * @throws IllegalStateException when none comes within {@code limit}
	 */
	static void await(String nodeId, String what, String value, Duration limit) throws InterruptedException {
		long end = System.nanoTime() + limit.toNanos();
		while (of(nodeId).stream().noneMatch((call) -> call.what().equals(what) && call.value().equals(value))) {
			if (System.nanoTime() - end > 0) {
				throw new IllegalStateException("no " + what + " " + value + " of node " + nodeId + " within " + limit);
			}
			Thread.sleep(5);
		}
	}

}
