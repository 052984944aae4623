//! Scenario files (docs/scenario.md, docs/commands.md, docs/expectations.md): what `az aks create` would build, the commands typed
//! into terminals over virtual time, and the expectations checked against the cluster's state.
//!
//! [`load()`] reads and checks a file into a [`Scenario`]; [`parse_condition`] is the one
//! parser of `that:` conditions, shared with every later use of conditions.

pub mod expect;
pub mod load;
pub mod spec;
pub mod timing;

pub use expect::{
    CondValue, Condition, ConditionError, Expectation, Metric, Op, Target, Window, parse_condition,
};
pub use load::{LoadError, load, load_str};
pub use spec::{
    ClusterSpec, InlineMap, NodePoolSpec, PoolMode, Scenario, SourceFile, Spanned, Step,
    StepAction, Taint, TaintEffect, Tier,
};
