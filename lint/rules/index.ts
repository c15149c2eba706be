// The registry: every rule, one file each under lint/rules/<group>/. Order here is the order
// of docs/rules.md and of SARIF's rule list; ids are stable.
import type { Rule } from '../types.ts';
import { rule as package_crlf_line_endings } from './package/crlf-line-endings.ts';
import { rule as package_dangling_symlink } from './package/dangling-symlink.ts';
import { rule as package_dropin_order } from './package/dropin-order.ts';
import { rule as package_dropin_reserved } from './package/dropin-reserved.ts';
import { rule as package_empty_unit_file } from './package/empty-unit-file.ts';
import { rule as package_missing_exec_bit } from './package/missing-exec-bit.ts';
import { rule as package_missing_os_release } from './package/missing-os-release.ts';
import { rule as package_name_mismatch } from './package/name-mismatch.ts';
import { rule as package_os_release_field } from './package/os-release-field.ts';
import { rule as package_os_release_syntax } from './package/os-release-syntax.ts';
import { rule as package_portable_prefixes } from './package/portable-prefixes.ts';
import { rule as package_symlink_outside } from './package/symlink-outside.ts';
import { rule as package_unit_location } from './package/unit-location.ts';
import { rule as package_unit_ownership } from './package/unit-ownership.ts';
import { rule as package_unit_prefix } from './package/unit-prefix.ts';
import { rule as package_unit_type } from './package/unit-type.ts';
import { rule as package_unsafe_permissions } from './package/unsafe-permissions.ts';
import { rule as unit_deprecated_directive } from './unit/deprecated-directive.ts';
import { rule as unit_environment_secret } from './unit/environment-secret.ts';
import { rule as unit_exec_relative_path } from './unit/exec-relative-path.ts';
import { rule as unit_exec_start } from './unit/exec-start.ts';
import { rule as unit_exec_syntax } from './unit/exec-syntax.ts';
import { rule as unit_invalid_boolean } from './unit/invalid-boolean.ts';
import { rule as unit_invalid_enum } from './unit/invalid-enum.ts';
import { rule as unit_invalid_timespan } from './unit/invalid-timespan.ts';
import { rule as unit_missing_activated_unit } from './unit/missing-activated-unit.ts';
import { rule as unit_on_calendar } from './unit/on-calendar.ts';
import { rule as unit_removed_directive } from './unit/removed-directive.ts';
import { rule as unit_syntax } from './unit/syntax.ts';
import { rule as unit_timer_without_trigger } from './unit/timer-without-trigger.ts';
import { rule as unit_unknown_directive } from './unit/unknown-directive.ts';
import { rule as unit_unknown_section } from './unit/unknown-section.ts';
import { rule as unit_working_directory } from './unit/working-directory.ts';
import { rule as coherence_elf_linkage } from './coherence/elf-linkage.ts';
import { rule as coherence_exec_format } from './coherence/exec-format.ts';
import { rule as coherence_exec_from_container } from './coherence/exec-from-container.ts';
import { rule as coherence_exec_not_executable } from './coherence/exec-not-executable.ts';
import { rule as coherence_exec_not_in_package } from './coherence/exec-not-in-package.ts';
import { rule as coherence_install_target } from './coherence/install-target.ts';
import { rule as coherence_unknown_dependency } from './coherence/unknown-dependency.ts';
import { rule as policy_exposure } from './policy/exposure.ts';
import { rule as policy_min_systemd_version } from './policy/min-systemd-version.ts';
import { rule as policy_network_profile } from './policy/network-profile.ts';
import { rule as policy_privilege_escape } from './policy/privilege-escape.ts';
import { rule as policy_privileged_prefix } from './policy/privileged-prefix.ts';
import { rule as policy_profile_not_allowed } from './policy/profile-not-allowed.ts';
import { rule as policy_runs_as_root } from './policy/runs-as-root.ts';
import { rule as policy_target_not_allowed } from './policy/target-not-allowed.ts';
import { rule as portable_drop_in } from './portable/drop-in.ts';
import { rule as portable_id } from './portable/id.ts';
import { rule as portable_interpreter } from './portable/interpreter.ts';
import { rule as portable_mount_points } from './portable/mount-points.ts';
import { rule as portable_node_mdwe } from './portable/node-mdwe.ts';
import { rule as portable_state_directory } from './portable/state-directory.ts';
import { rule as policy_unprivileged_container } from './policy/unprivileged-container.ts';
import { rule as metadata_after_cycle } from './metadata/after-cycle.ts';
import { rule as metadata_credential_path } from './metadata/credential-path.ts';
import { rule as metadata_duplicate_service } from './metadata/duplicate-service.ts';
import { rule as metadata_json_syntax } from './metadata/json-syntax.ts';
import { rule as metadata_missing_package } from './metadata/missing-package.ts';
import { rule as metadata_package_mismatch } from './metadata/package-mismatch.ts';
import { rule as metadata_policy } from './metadata/policy.ts';
import { rule as metadata_schema } from './metadata/schema.ts';
import { rule as metadata_unknown_after } from './metadata/unknown-after.ts';
import { rule as metadata_unprivileged_mount } from './metadata/unprivileged-mount.ts';
import { rule as comment_unknown_rule } from './comment/unknown-rule.ts';
import { rule as comment_unused_disable } from './comment/unused-disable.ts';

export const RULES: readonly Rule[] = [
  package_crlf_line_endings,
  package_dangling_symlink,
  package_dropin_order,
  package_dropin_reserved,
  package_empty_unit_file,
  package_missing_exec_bit,
  package_missing_os_release,
  package_name_mismatch,
  package_os_release_field,
  package_os_release_syntax,
  package_portable_prefixes,
  package_symlink_outside,
  package_unit_location,
  package_unit_ownership,
  package_unit_prefix,
  package_unit_type,
  package_unsafe_permissions,
  unit_deprecated_directive,
  unit_environment_secret,
  unit_exec_relative_path,
  unit_exec_start,
  unit_exec_syntax,
  unit_invalid_boolean,
  unit_invalid_enum,
  unit_invalid_timespan,
  unit_missing_activated_unit,
  unit_on_calendar,
  unit_removed_directive,
  unit_syntax,
  unit_timer_without_trigger,
  unit_unknown_directive,
  unit_unknown_section,
  unit_working_directory,
  coherence_elf_linkage,
  coherence_exec_format,
  coherence_exec_from_container,
  coherence_exec_not_executable,
  coherence_exec_not_in_package,
  coherence_install_target,
  coherence_unknown_dependency,
  policy_exposure,
  policy_min_systemd_version,
  policy_network_profile,
  policy_privilege_escape,
  policy_privileged_prefix,
  policy_profile_not_allowed,
  policy_runs_as_root,
  policy_target_not_allowed,
  portable_drop_in,
  portable_id,
  portable_interpreter,
  portable_mount_points,
  portable_node_mdwe,
  portable_state_directory,
  policy_unprivileged_container,
  metadata_after_cycle,
  metadata_credential_path,
  metadata_duplicate_service,
  metadata_json_syntax,
  metadata_missing_package,
  metadata_package_mismatch,
  metadata_policy,
  metadata_schema,
  metadata_unknown_after,
  metadata_unprivileged_mount,
  comment_unknown_rule,
  comment_unused_disable,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.meta.id, r]));
export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.meta.id));
