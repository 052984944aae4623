//! Plain data: the objects the simulator keeps, in compact form.

pub mod affinity;
pub mod civil;
pub mod cron;
pub mod cronjob;
pub mod image;
pub mod job;
pub mod kind;
pub mod labels;
pub mod meta;
pub mod node;
pub mod object;
pub mod patch;
pub mod pdb;
pub mod pod;
pub mod priorityclass;
pub mod quantity;
pub mod request;
pub mod service;
pub mod serviceaccount;
pub mod statefulset;
pub mod validation;
pub mod workload;
