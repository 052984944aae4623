//! Plain data: the objects the simulator keeps, in compact form.

pub mod kind;
pub mod labels;
pub mod quantity;
pub mod validation;
