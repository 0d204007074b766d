package org.openstack.valence.emulator.node;

import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

/**
 * An action request as the emulator received it, kept so a test can check what a driver sent (or that
 * it sent nothing).
 *
 * @param receivedAt when it arrived, in Valence's timestamp format
 * @param body the body as sent (a JSON string node when it was not JSON)
 * @param status the HTTP status the emulator answered
 */
public record ReceivedAction(@JsonProperty("received_at") String receivedAt, JsonNode body, int status) {
}
