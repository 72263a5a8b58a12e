//! Input limits. Every one is checked with a clear error naming the place;
//! together they bound the work of loading a store and of one decision.
//!
//! | limit | value | checked when |
//! | --- | --- | --- |
//! | store text | 16 MiB | loading |
//! | JSON nesting | 64 levels | loading, requests |
//! | policies in a store | 20,000 | loading |
//! | statements in one policy | 1,000 | loading |
//! | statements in a store | 100,000 | loading |
//! | users / roles / groups | 100,000 / 20,000 / 20,000 | loading |
//! | entries in one Action, Resource or Principal list | 5,000 | loading |
//! | condition operators in a statement, keys under one operator | 64 / 64 | loading |
//! | values for one condition key | 1,000 | loading |
//! | one pattern or value (action, ARN, condition value) | 2,048 bytes | loading, requests |
//! | request text | 64 KiB | requests |
//! | context keys in a request | 128 | requests |
//! | values of one context key | 256 | requests |
//! | requests in one batch / batch text | 10,000 / 16 MiB | batch evaluation |
//!
//! Work per decision: the statements examined are those of the principal's own
//! policies (user, groups, assigned roles), its boundaries, the session policy,
//! the guardrails and the resource's policies, restricted by the index to the
//! request's service plus statements that name no single service. Each
//! pattern test costs at most `pattern bytes x input bytes` comparisons
//! (2,048 x 2,048), never exponential; each condition key at most
//! `policy values x request values` (1,000 x 256) tests.

/// Largest store text, in bytes.
pub const MAX_STORE_BYTES: usize = 16 * 1024 * 1024;
/// Deepest nesting of arrays and objects.
pub const MAX_JSON_DEPTH: usize = 64;
/// Most policies in one store.
pub const MAX_POLICIES: usize = 20_000;
/// Most statements in one policy document.
pub const MAX_STATEMENTS_PER_POLICY: usize = 1_000;
/// Most statements in one store, over all its policies.
pub const MAX_STATEMENTS: usize = 100_000;
/// Most users in one store.
pub const MAX_USERS: usize = 100_000;
/// Most roles in one store.
pub const MAX_ROLES: usize = 20_000;
/// Most groups in one store.
pub const MAX_GROUPS: usize = 20_000;
/// Most entries in one Action, Resource or Principal list (AWS's own
/// `ReadOnlyAccess` lists about 1,550 actions).
pub const MAX_LIST_ENTRIES: usize = 5_000;
/// Most condition operators in one statement.
pub const MAX_CONDITION_OPERATORS: usize = 64;
/// Most keys under one condition operator.
pub const MAX_CONDITION_KEYS: usize = 64;
/// Most values for one condition key.
pub const MAX_CONDITION_VALUES: usize = 1_000;
/// Longest single pattern or value, in bytes.
pub const MAX_PATTERN_BYTES: usize = 2_048;
/// Largest request text, in bytes.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;
/// Most context keys in one request.
pub const MAX_CONTEXT_KEYS: usize = 128;
/// Most values of one multivalued context key.
pub const MAX_CONTEXT_VALUES: usize = 256;
/// Most requests in one batch.
pub const MAX_BATCH: usize = 10_000;
/// Largest batch text, in bytes (checked before it is read).
pub const MAX_BATCH_BYTES: usize = 16 * 1024 * 1024;
