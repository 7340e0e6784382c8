/** Classes that break the package rules on purpose; only {@code PackageRulesCatchViolationsTest} reads them. */
package dev.socketeer.architecture.violations;
