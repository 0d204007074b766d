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

package org.openstack.valence.driver.deadline;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.openstack.valence.driver.protocol.Protocol;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param readBudget the time a request that is not a power change may take, every Valence
 * call, retry and wait made for it included; at most the protocol's read budget, on which
 * the shim sizes its wait
 */
@Validated
@ConfigurationProperties("driver")
public record BudgetProperties(@NotNull @DurationMin(millis = 1) @DurationMax(
		seconds = Protocol.READ_BUDGET_SECONDS) @DefaultValue(Protocol.READ_BUDGET_SECONDS + "s") Duration readBudget) {

	/** A deadline one read budget from now. */
	public Deadline readDeadline() {
		return Deadline.after(this.readBudget);
	}

}
