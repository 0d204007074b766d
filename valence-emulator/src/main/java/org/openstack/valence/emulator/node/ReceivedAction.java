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

/**
 * An action request as the emulator received it, kept so a test can check what a driver
 * sent (or that it sent nothing). Held as text, not as a parsed tree, to keep the history
 * small.
 *
 * @param receivedAt when it arrived, epoch milliseconds
 * @param body the body as sent, cut at {@link ComposedNode#KEPT_BODY_CHARS}
 * @param status the HTTP status the emulator answered
 */
public record ReceivedAction(long receivedAt, String body, int status) {
}
