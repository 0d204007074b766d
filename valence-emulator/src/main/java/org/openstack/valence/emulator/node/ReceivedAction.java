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
