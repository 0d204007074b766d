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

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness follows Valence: the service is of no use while Valence cannot be reached,
 * but it is alive, so liveness does not include this. The probe keeps the read budget, as
 * the service's own reads do.
 */
@Component
class ValenceHealthIndicator implements HealthIndicator {

	private final ValenceClient valence;

	private final BudgetProperties budget;

	ValenceHealthIndicator(ValenceClient valence, BudgetProperties budget) {
		this.valence = valence;
		this.budget = budget;
	}

	@Override
	public Health health() {
		try {
			ValenceVersion version = this.valence.probe(this.budget.readDeadline());
			return Health.up().withDetail("version", String.valueOf(version.id())).build();
		}
		catch (ValenceException ex) {
			return Health.down()
				.withDetail("failure", ex.failure().outcome())
				.withDetail("error", ex.getMessage())
				.build();
		}
	}

}
